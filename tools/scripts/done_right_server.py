"""The lesson's server with the job done right, for tools/scripts/flood.sh: the same socket calls
(bind, listen(127), one accept), but it reads lines (framing: one message per `\n`), prints one
line per timestamp, and stops at the end of the stream (a read of 0 bytes) instead of looping.

    python3 done_right_server.py PORT
"""
import socket
import sys

server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.bind(("127.0.0.1", int(sys.argv[1])))
server_socket.listen(127)
print("等待接收来自于客户端连接请求...")
service_client, client_ip_port = server_socket.accept()
print(f"接收到来自于{client_ip_port}的连接")
with service_client, service_client.makefile("rb") as stream:
    for line in stream:  # ends when a read returns 0 bytes: the client closed
        print("客户端时间为：", line.decode().rstrip("\n"))
server_socket.close()
