import socket

# ① 创建一个服务端负责监听的 socket，这个socket只负责接收客户端的连接请求，理解为：门迎、门童
# socket.AF_INET：表示使用 IPV4 的地址
# socket.SOCK_STREAM：表示使用 TCP 网络协议
server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

# ② 服务端程序绑定IP地址和端口
server_socket.bind(('127.0.0.1', 8000))

# ③ 服务端程序设置监听
# 127：表示服务端程序最多同时支持 127 个客户端发起链接请求
server_socket.listen(127)

# ④ 设置完成之后，服务端等待客户端进行链接
print('等待接收来自于客户端连接请求...')
service_client, client_ip_port = server_socket.accept()
print(f'接收到来自于{client_ip_port}的连接')

# ⑤ 接收客户端发送的时间
# 1024：表示一次最多接收 1024 个字节的数据
# recv：接收客户端发送的消息，客户端没有发送消息的时候，recv会阻塞等待
while True:
    recv_msg = service_client.recv(1024) # bytes
    print('客户端时间为：', recv_msg.decode())

# ⑦ 关闭服务端的 socket
# 关闭和连接的客户端进行的通信的socket
service_client.close()
# 关闭接收客户端连接请求的socket
server_socket.close()
