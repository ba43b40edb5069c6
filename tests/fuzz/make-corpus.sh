#!/bin/sh
# make-corpus.sh: writes the seed corpora of the fuzz targets into
# tests/fuzz/corpus/ (already in the repository; run again to add seeds)
#
# Images are small real files from ImageMagick's convert (Debian package
# imagemagick), with the metadata each stripper removes; the few shapes
# convert cannot write (an EXIF orientation in either byte order, HEIF and
# JPEG XL signatures) are put together by python3.  The DingTalk answers are
# those of /work/shared/dingtalk-api.md and the README's errcode table.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

here=$(cd "$(dirname "$0")" && pwd)
corpus="$here/corpus"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dd-corpus.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

command -v convert >/dev/null || { echo "$0: convert is missing (Debian package imagemagick)" >&2; exit 1; }

mkdir -p "$corpus/image-header" "$corpus/image-strip" \
         "$corpus/judge-response" "$corpus/webhook-normalize" "$corpus/secret-json"

# ---- images ----------------------------------------------------------------
img="$tmp/img"
mkdir "$img"
convert -size 8x8 gradient:red-blue "$tmp/a.png"
convert -size 8x8 gradient:yellow-green "$tmp/b.png"

convert "$tmp/a.png" -strip "$img/plain.png"
convert "$tmp/a.png" -set comment "taken at the office" "$img/text-chunks.png"
convert "$tmp/a.png" -strip -type Palette "$img/palette.png"
convert "$tmp/a.png" -strip -alpha on -channel A -evaluate set 50% "$img/alpha.png"
cat "$img/plain.png" > "$img/trailing.png"; printf 'PK\003\004appended archive' >> "$img/trailing.png"

convert "$tmp/a.png" -strip -quality 80 "$img/baseline.jpg"
convert "$tmp/a.png" -strip -interlace JPEG "$img/progressive.jpg"
convert "$tmp/a.png" -strip -comment "a comment segment" "$img/comment.jpg"
convert "$tmp/a.png" -strip -sampling-factor 2x2 -define jpeg:restart-interval=1 "$img/restart.jpg"

convert "$tmp/a.png" -strip "$img/static.gif"
convert -delay 20 "$tmp/a.png" "$tmp/b.png" -loop 0 -set comment "two frames" "$img/animated.gif"

convert "$tmp/a.png" -strip "BMP3:$img/v3.bmp"
convert "$tmp/a.png" -strip "BMP:$img/v5.bmp"

convert "$tmp/a.png" -strip -quality 50 "$img/lossy.webp"
convert "$tmp/a.png" -strip -define webp:lossless=true "$img/lossless.webp"
convert -delay 20 "$tmp/a.png" "$tmp/b.png" -loop 0 "$img/animated.webp"

convert "$tmp/a.png" -strip "$img/tiny.tiff"
convert "$tmp/a.png" -strip "$img/icon.ico"

python3 - "$img" <<'PY'
import struct, sys
out = sys.argv[1]

def exif_app1(big_endian, orientation):
    e = ">" if big_endian else "<"
    tiff = (b"MM\0*" if big_endian else b"II*\0") + struct.pack(e + "I", 8)
    tiff += struct.pack(e + "H", 1)                                  # one entry in IFD0
    tiff += struct.pack(e + "HHIHH", 0x0112, 3, 1, orientation, 0)   # Orientation, SHORT
    tiff += struct.pack(e + "I", 0)                                  # no next IFD
    payload = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload

base = open(out + "/baseline.jpg", "rb").read()
assert base[:2] == b"\xff\xd8"
open(out + "/exif-rotated-le.jpg", "wb").write(base[:2] + exif_app1(False, 6) + base[2:])
open(out + "/exif-rotated-be.jpg", "wb").write(base[:2] + exif_app1(True, 8) + base[2:])
xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>"
app1 = b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp
open(out + "/xmp-and-motion.jpg", "wb").write(base[:2] + app1 + base[2:] + b"ftypmp42 motion photo")

# the signatures of formats DingDrop names but does not decode itself
open(out + "/heic-ftyp.heic", "wb").write(struct.pack(">I", 24) + b"ftypheic" + b"\0\0\0\0" + b"mif1heic")
open(out + "/avif-ftyp.avif", "wb").write(struct.pack(">I", 28) + b"ftypmif1" + b"\0\0\0\0" + b"mif1miafavif")
open(out + "/jxl-codestream.jxl", "wb").write(b"\xff\x0a\xfa\x7f\x01\x90\x08")
open(out + "/unguarded.xpm", "wb").write(b'/* XPM */\nstatic char *x[] = {\n"2 2 1 1",\n"a c #000000",\n"aa",\n"aa"};\n')
PY

cp "$img"/* "$corpus/image-header/"
for f in "$img"/*.png "$img"/*.jpg "$img"/*.gif "$img"/*.bmp; do
  cp "$f" "$corpus/image-strip/"
done

# ---- DingTalk's answers ----------------------------------------------------
# Each starts with two bytes that pick the HTTP status (fuzz-judge-response.c):
# \000 200, \004 400, \005 401, \010 413, \011 429, \012 500, \013 502.
answer () {
  printf "$2" > "$corpus/judge-response/$1"
}
answer send-ok           '\000\000{"errcode":0,"errmsg":"ok"}'
answer token-ok          '\000\000{"errcode":0,"errmsg":"ok","access_token":"0123456789abcdef","expires_in":7200}'
answer upload-ok         '\000\000{"errcode":0,"errmsg":"ok","type":"image","media_id":"@lADOaBcD","created_at":1700000000000}'
answer sign-not-match    '\000\000{"errcode":310000,"errmsg":"sign not match"}'
answer keywords          '\000\000{"errcode":310000,"errmsg":"关键词不匹配"}'
answer token-not-exist   '\000\000{"errcode":300001,"errmsg":"token is not exist"}'
answer too-fast          '\000\000{"errcode":410100,"errmsg":"send too fast, exceed 20 times per minute"}'
answer too-large         '\000\000{"errcode":460101,"errmsg":"message too large"}'
answer busy              '\000\000{"errcode":-1,"errmsg":"系统繁忙"}'
answer auth-timeout      '\000\000{"errcode":88,"errmsg":"auth timeout","sub_code":""}'
answer errcode-string    '\000\000{"errcode":"310000","errmsg":"sign not match"}'
answer errcode-zero-str  '\000\000{"errcode":"0","errmsg":"ok"}'
answer errcode-float     '\000\000{"errcode":0.0,"errmsg":"ok"}'
answer errcode-null      '\000\000{"errcode":null}'
answer gateway-ban       '\000\000{"status":1111,"wait":5}'
answer v1-ok             '\000\000{"processQueryKey":"abc=="}'
answer v1-token-ok       '\000\000{"accessToken":"0123","expireIn":7200}'
answer v1-auth           '\005\000{"code":"InvalidAuthentication","message":"不合法的access_token"}'
answer v1-robot          '\004\000{"code":"invalidParameter.robotCode.notExsit","message":"robot not exist"}'
answer v1-qps            '\011\000{"code":"Forbidden.AccessDenied.QpsLimitForApi","message":"qps"}'
answer v1-system-error   '\012\000{"code":"system.error","message":"system error"}'
answer proxy-413         '\010\000<html><body><h1>413 Request Entity Too Large</h1></body></html>'
answer bad-gateway-empty '\013\000'
answer not-an-object     '\000\000[{"errcode":0}]'

# ---- what people paste as a webhook ---------------------------------------
# A NUL byte ends the pasted text and starts the robot's server; without
# one, the first byte picks a server (fuzz-webhook-normalize.c): \000 is
# DingTalk's, \002 a private one under /dingtalk, \003 the loopback fake.
hook () {
  printf "$2" > "$corpus/webhook-normalize/$1"
}
hook url            '\000https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef'
hook url-signed     '\000https://oapi.dingtalk.com/robot/send?access_token=0123abcd&timestamp=1700000000000&sign=sSFW%%2B%%3D'
hook url-port       '\000  https://OAPI.dingtalk.com:443/robot/send?access_token=0123abcd\n'
hook bare-token     '\0000123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd'
hook secret-swapped '\000SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
hook lookalike      '\000https://oapi.dingtalk.com.evil.example/robot/send?access_token=0123abcd'
hook userinfo       '\000https://user@oapi.dingtalk.com/robot/send?access_token=0123abcd#frag'
hook plain-http     '\000http://oapi.dingtalk.com/robot/send?access_token=0123abcd'
hook wrong-path     '\000https://oapi.dingtalk.com/gettoken?access_token=0123abcd'
hook no-token       '\000https://oapi.dingtalk.com/robot/send?token=0123abcd'
hook bad-token      '\000https://oapi.dingtalk.com/robot/send?access_token=01%%2623'
hook private-prefix '\002https://robots.example.com/dingtalk/robot/send?access_token=0123abcd'
hook loopback       '\003http://127.0.0.1:8080/robot/send?access_token=0123abcd'
hook loopback-v6    'http://[::1]:9/robot/send?access_token=0123abcd\000http://[::1]:9/'
hook custom-base    'abcdef0123\000https://dd.internal.example:8443/api/'
hook chinese        '\000钉钉机器人 https://oapi.dingtalk.com/robot/send?access_token=0123abcd'

# ---- the keyring item of a robot's secrets (dd-secrets.c) ------------------
item () {
  printf "$2" > "$corpus/secret-json/$1"
}
item item           '{"webhook":"https://oapi.dingtalk.com/robot/send?access_token=0123abcd","secret":"SEC0123456789abcdef","app-secret":"app_secret-1"}'
item escapes        '{"secret":"SEC\\"q\\" \\\\ \\/ \\b\\f\\n\\r\\t\\u001f"}'
item spaces-unicode ' {\n  "secret" : "\\u00e9\\ud83d\\ude00\344\270\255" , "other":"x" }\n'
item empty          '{}'
item duplicate      '{"secret":"a","secret":"b"}'
item raw-control    '{"secret":"a\037b"}'
item not-a-string   '{"secret":1}'
item lone-surrogate '{"secret":"\\ud83d"}'
