import socket

# 创建客户端 socket 套接字对象
# socket.AF_INET：表示 IPV4
# socket.SOCK_STREAM：表示 TCP 传输协议
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

# 客户端请求和服务端程序建立连接
client.connect(('127.0.0.1', 8000))
print('客户端连接服务器成功！')

# 给服务端程序发送客户端的当前时间
from datetime import datetime
import time

while True:
    # 获取代码执行时间的当前时间
    now_time = datetime.now()
    # 将时间格式化成字符串
    time_str = now_time.strftime("%Y-%m-%d %H:%M:%S")
    # 给服务端发送客户端的时间
    client.send(time_str.encode())
    # 休眠1秒中
    time.sleep(1)


# 关闭客户端套接字
client.close()
