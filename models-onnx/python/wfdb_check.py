"""Independent decoding of the bundled WFDB records with plain struct (no wfdb package), to check
the Java reader (WfdbRecordsTest): annotation counts of 100.atr, and the last frame of each .dat.

Run: /usr/bin/python3 models-onnx/python/wfdb_check.py
"""
import collections
import os
import struct

D = os.path.join(os.path.dirname(__file__), "..", "src", "main", "resources", "explain4j", "ecg", "records")


def annotations(path):
    data = open(path, "rb").read()
    i, t, out = 0, 0, []
    while i + 2 <= len(data):
        (w,) = struct.unpack_from("<H", data, i)
        i += 2
        code, iv = w >> 10, w & 0x3FF
        if code == 0 and iv == 0:
            break
        if code == 59:  # SKIP: 32-bit interval, high 16-bit word first
            hi, lo = struct.unpack_from("<hH", data, i)
            i += 4
            t += (hi << 16) | lo
        elif code in (60, 61, 62):  # NUM, SUB, CHN modify the previous annotation
            pass
        elif code == 63:  # AUX: iv bytes, padded to even
            i += iv + (iv & 1)
        else:
            t += iv
            out.append((t, code))
    return out


ann = annotations(os.path.join(D, "100.atr"))
counts = collections.Counter(c for _, c in ann)
print("100.atr annotations", len(ann), "codes", dict(counts), "first", ann[:3], "last", ann[-1])


def last_frame_16(path, nsig):
    data = open(path, "rb").read()
    return struct.unpack_from("<%dh" % nsig, data, len(data) - 2 * nsig)


def last_frame_212(path):
    b = open(path, "rb").read()[-3:]
    s0 = b[0] | (b[1] & 0x0F) << 8
    s1 = b[2] | (b[1] & 0xF0) << 4
    return tuple(v - 4096 if v >= 2048 else v for v in (s0, s1))


def checksums_16(path, nsig):
    data = open(path, "rb").read()
    v = struct.unpack("<%dh" % (len(data) // 2), data)
    return [((sum(v[k::nsig]) + 32768) % 65536) - 32768 for k in range(nsig)]


print("100.dat last frame", last_frame_212(os.path.join(D, "100.dat")))
print("00001_lr.dat last frame", last_frame_16(os.path.join(D, "00001_lr.dat"), 12))
print("s0010_re.dat last frame", last_frame_16(os.path.join(D, "s0010_re.dat"), 12))
print("00001_lr checksums", checksums_16(os.path.join(D, "00001_lr.dat"), 12))
print("s0010_re checksums", checksums_16(os.path.join(D, "s0010_re.dat"), 12))
