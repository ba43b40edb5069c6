#!/usr/bin/env python3
# outbox-log.py: questions to the fake DingTalk's request log (one JSON
# object per request), for test-outbox-crash.sh
#
#   outbox-log.py LOG messages [PATH]            accepted messages
#   outbox-log.py LOG known-media JOBS_DIR       "name media_id" of jobs on disk
#   outbox-log.py LOG arrived N MAX_DUPLICATES [PATH]
#   outbox-log.py LOG shown N TOKEN              each of N images shown once in
#                                                the group of the robot TOKEN
#                                                (a repeated msgUuid is not shown)
#   outbox-log.py LOG no-reupload KNOWN FROM_LINE
#   outbox-log.py LOG uploads-once N
#
# SPDX-License-Identifier: GPL-3.0-or-later
import collections
import glob
import json
import os
import re
import sys

SEND_PATHS = ("/robot/send", "/v1.0/robot/groupMessages/send")


def entries(log, start=0):
    try:
        lines = open(log, encoding="utf-8").read().splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines[start:]:
        try:
            out.append(json.loads(line))
        except ValueError:
            pass  # a line being written
    return out


def messages(log, paths=SEND_PATHS, start=0):
    return [e for e in entries(log, start) if e.get("path") in paths and e.get("accepted")]


MEDIA_NAMES = {}


def images_in(message):
    # "![img-07.png](@lADP…)": the app robot's msgParam is JSON in a string
    text = json.dumps(message.get("body"), ensure_ascii=False).replace('\\"', '"')
    found = re.findall(r"!\[(img-\d+\.png)\]\(([^)\\]+)\)", text)
    # an app robot's sampleImageMsg names no file: its photoURL is the
    # media_id of an upload, which does
    for media in re.findall(r'"photoURL":"([^"\\]+)"', text):
        found.append((MEDIA_NAMES.get(media, media), media))
    return found


def main():
    log, what, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    for e in entries(log):
        if e.get("path") == "/media/upload" and e.get("media_id"):
            MEDIA_NAMES[e["media_id"]] = e.get("filename")
    if what == "messages":
        paths = (args[0],) if args else SEND_PATHS
        print(len(messages(log, paths)))
    elif what == "known-media":
        for path in glob.glob(os.path.join(args[0], "*", "job.json")):
            job = json.load(open(path, encoding="utf-8"))
            if job.get("media-id"):
                print(job["display-name"], job["media-id"])
    elif what == "arrived":
        n, max_dups = int(args[0]), int(args[1])
        paths = (args[2],) if len(args) > 2 else SEND_PATHS
        counts = collections.Counter(name for m in messages(log, paths) for name, _ in images_in(m))
        dups = sum(c - 1 for c in counts.values())
        if len(counts) != n or dups > max_dups:
            sys.exit("%d distinct images arrived (want %d), %d twice or more (want at most %d): %s"
                     % (len(counts), n, dups, max_dups, dict(counts)))
    elif what == "shown":
        n, token = int(args[0]), args[1]
        shown = [m for m in messages(log, ("/robot/send",))
                 if not m.get("duplicate") and m.get("access_token") == token]
        counts = collections.Counter(name for m in shown for name, _ in images_in(m))
        if len(counts) != n or any(c != 1 for c in counts.values()):
            sys.exit("%d distinct images shown (want %d, each once): %s" % (len(counts), n, dict(counts)))
        if any(not m.get("msg_uuid") for m in shown):
            sys.exit("a message without a msgUuid")
        dups = [m for m in messages(log, ("/robot/send",)) if m.get("duplicate")]
        print("%d sent again after the kill and not shown twice" % len(dups))
    elif what == "no-reupload":
        known = dict(line.split() for line in open(args[0], encoding="utf-8") if line.strip())
        start = int(args[1])
        again = [e.get("filename") for e in entries(log, start)
                 if e.get("path") == "/media/upload" and e.get("filename") in known]
        if again:
            sys.exit("uploaded again after the kill: %s" % again)
        used = {name: media for m in messages(log, SEND_PATHS, start) for name, media in images_in(m)}
        wrong = {name: (media, used[name]) for name, media in known.items()
                 if name in used and used[name] != media}
        if wrong:
            sys.exit("sent with another media_id: %s" % wrong)
    elif what == "uploads-once":
        counts = collections.Counter(e.get("filename") for e in entries(log)
                                     if e.get("path") == "/media/upload" and e.get("accepted"))
        if len(counts) != int(args[0]) or any(c != 1 for c in counts.values()):
            sys.exit("uploads: %s" % dict(counts))
    else:
        sys.exit("unknown question " + what)


main()
