#!/usr/bin/env python3
# baseline.py: the source document's script, done the way it does it but
# with the signature in the query (where DingTalk wants it, so the fake
# accepts it): for each image, one after another, a fresh access token,
# the upload, then the signed send — each request on a new connection.
# Prints "elapsed SECONDS" (from after the imports to the last answer);
# exits 1 at the first error.
#
#   baseline.py --base URL --app-key K --app-secret S
#               --robot-token T --robot-secret SEC FILE...
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import sys
import time

import benchhttp

STARTED = time.perf_counter()  # after the imports: the interpreter's start-up is not the network's


def once(base, call, *args):
    conn = benchhttp.connect(base)
    try:
        return call(conn, *args)
    finally:
        conn.close()


def main(argv):
    args = benchhttp.parse_args(argv, "the benchmark's baseline: the source script's way")
    if args.album:
        print("baseline: the source script has no album", file=sys.stderr)
        return 2
    try:
        for path in args.files:
            token = once(args.base, benchhttp.get_token, args.app_key, args.app_secret)
            media_id = once(args.base, benchhttp.upload, token, path)
            once(args.base, benchhttp.send_markdown, args.robot_token, args.robot_secret,
                 [(os.path.basename(path), media_id)])
    except Exception as e:  # noqa: BLE001
        print("baseline: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    status = main(sys.argv[1:])
    if status == 0:
        print("elapsed %.6f" % (time.perf_counter() - STARTED))
    sys.exit(status)
