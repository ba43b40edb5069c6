#!/usr/bin/env python3
# reference-client.py: the floor — what the fake DingTalk and its latency
# allow.  One access token; the files uploaded as they are, over 4
# keep-alive connections in parallel; the messages sent in order over one
# keep-alive connection, each as soon as its image is uploaded (--album:
# one message with every image, once all are uploaded).  Prints
# "elapsed SECONDS" (from after the imports to the last answer); exits 1
# at the first error.
#
#   reference-client.py --base URL --app-key K --app-secret S
#                       --robot-token T --robot-secret SEC [--album] FILE...
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import queue
import sys
import threading
import time

import benchhttp

STARTED = time.perf_counter()  # after the imports: the interpreter's start-up is not the network's

UPLOAD_CONNECTIONS = 4


def main(argv):
    args = benchhttp.parse_args(argv, "the benchmark's lean reference client")
    files = args.files
    media = [None] * len(files)
    uploaded = [threading.Event() for _ in files]
    errors = []
    todo = queue.SimpleQueue()
    for i in range(len(files)):
        todo.put(i)

    sender = benchhttp.connect(args.base)
    token = benchhttp.get_token(sender, args.app_key, args.app_secret)

    def uploader():
        try:
            conn = benchhttp.connect(args.base)
        except Exception as e:  # noqa: BLE001 — reported by the main thread
            errors.append(e)
            conn = None
        while True:
            try:
                i = todo.get_nowait()
            except queue.Empty:
                break
            try:
                if conn is None:
                    raise errors[0]
                media[i] = benchhttp.upload(conn, token, files[i])
            except Exception as e:  # noqa: BLE001
                errors.append(e)
            uploaded[i].set()
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=uploader, daemon=True)
               for _ in range(min(UPLOAD_CONNECTIONS, len(files)))]
    for t in threads:
        t.start()

    names = [os.path.basename(f) for f in files]
    try:
        if args.album:
            for event in uploaded:
                event.wait()
            if errors:
                raise errors[0]
            benchhttp.send_markdown(sender, args.robot_token, args.robot_secret,
                                    list(zip(names, media)))
        else:
            for i, event in enumerate(uploaded):
                event.wait()
                if media[i] is None:
                    raise errors[0]
                benchhttp.send_markdown(sender, args.robot_token, args.robot_secret,
                                        [(names[i], media[i])])
    except Exception as e:  # noqa: BLE001
        print("reference-client: %s" % e, file=sys.stderr)
        return 1
    sender.close()
    return 0


if __name__ == "__main__":
    status = main(sys.argv[1:])
    if status == 0:
        print("elapsed %.6f" % (time.perf_counter() - STARTED))
    sys.exit(status)
