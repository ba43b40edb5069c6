# benchhttp.py: what the benchmark's two Python clients share — DingTalk's
# 加签 signature, a multipart upload body, the markdown of a message, and
# one request on an http.client connection.  Standard library only.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import base64
import hashlib
import hmac
import http.client
import json
import os
import socket
import time
import urllib.parse
import uuid


class DingTalkError(Exception):
    pass


def signed_query(token, secret):
    """access_token, timestamp and sign for /robot/send, signed fresh:
    HMAC-SHA256 of "<ms>\\n<secret>" keyed by the secret, Base64, URL-encoded once."""
    ts = str(int(time.time() * 1000))
    digest = hmac.new(secret.encode(), (ts + "\n" + secret).encode(), hashlib.sha256).digest()
    return urllib.parse.urlencode({"access_token": token, "timestamp": ts,
                                   "sign": base64.b64encode(digest).decode()})


def connect(base):
    """A connection to BASE (http://host:port) with Nagle off, so no answer
    or request waits for a delayed ACK."""
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def request(conn, method, path, body=None, headers=None):
    """One request; the answer's JSON, which must say errcode 0."""
    conn.request(method, path, body=body, headers=headers or {})
    answer = conn.getresponse()
    data = answer.read()
    try:
        reply = json.loads(data)
    except ValueError:
        raise DingTalkError("%s %s: HTTP %d, not JSON" % (method, path.split("?")[0], answer.status))
    if reply.get("errcode") != 0:
        raise DingTalkError("%s %s: errcode %s %s" % (method, path.split("?")[0],
                                                      reply.get("errcode"), reply.get("errmsg")))
    return reply


def get_token(conn, app_key, app_secret):
    query = urllib.parse.urlencode({"appkey": app_key, "appsecret": app_secret})
    return request(conn, "GET", "/gettoken?" + query)["access_token"]


def upload(conn, token, path):
    """The file as it is, in a multipart part named "media"; its media_id."""
    with open(path, "rb") as f:
        data = f.read()
    boundary = uuid.uuid4().hex
    name = os.path.basename(path)
    body = b"".join([
        b"--" + boundary.encode() + b"\r\n",
        b'Content-Disposition: form-data; name="media"; filename="' + name.encode() + b'"\r\n',
        b"Content-Type: image/png\r\n\r\n",
        data,
        b"\r\n--" + boundary.encode() + b"--\r\n",
    ])
    query = urllib.parse.urlencode({"access_token": token, "type": "image"})
    reply = request(conn, "POST", "/media/upload?" + query, body=body,
                    headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
    return reply["media_id"]


def send_markdown(conn, robot_token, robot_secret, images):
    """One markdown message showing IMAGES, a list of (file name, media_id),
    as DingDrop writes it; with a msgUuid, as DingDrop sends it."""
    text = "\n\n".join("![%s](%s)" % (name, media_id) for name, media_id in images)
    body = json.dumps({"msgtype": "markdown",
                       "markdown": {"title": "[Image]", "text": text},
                       "msgUuid": str(uuid.uuid4())}).encode()
    request(conn, "POST", "/robot/send?" + signed_query(robot_token, robot_secret), body=body,
            headers={"Content-Type": "application/json"})


def parse_args(argv, description):
    import argparse
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--base", required=True, help="the fake DingTalk, http://127.0.0.1:PORT")
    p.add_argument("--app-key", required=True)
    p.add_argument("--app-secret", required=True)
    p.add_argument("--robot-token", required=True)
    p.add_argument("--robot-secret", required=True)
    p.add_argument("--album", action="store_true", help="all images in one message")
    p.add_argument("files", nargs="+")
    return p.parse_args(argv)
