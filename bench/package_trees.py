#!/usr/bin/env python3
# Generates the two bench/package trees, deterministically (fixed seeds):
#   small: 2,000 small source-like files (~10 MB) in nested directories
#   mixed: ~50 MB: source-like text, JSON, incompressible blobs (as media/wheels would be),
#          and semi-compressible binary
import os, random, sys

WORDS = ("def class return import from self if else elif for while in not and or None True "
         "False value result event context handler request response data items key name "
         "list dict str int float len range print yield lambda try except raise with as "
         "async await json os sys path logging logger config settings client session").split()

def text(rng, size):
    out, n = [], 0
    while n < size:
        indent = "    " * rng.randrange(0, 4)
        line = indent + " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 12)))
        line += "(" + str(rng.randrange(10000)) + ")\n"
        out.append(line)
        n += len(line)
    return "".join(out)[:size]

def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(path, mode)

def small(root):
    rng = random.Random(1)
    for i in range(2000):
        d = os.path.join(root, "pkg%02d" % (i % 40), "mod%d" % (i % 7))
        write(os.path.join(d, "file%04d.py" % i), text(rng, rng.randrange(2000, 8000)))

def mixed(root):
    rng = random.Random(2)
    for i in range(400):   # ~20 MB of text
        write(os.path.join(root, "src", "m%02d" % (i % 20), "f%03d.py" % i),
              text(rng, rng.randrange(30000, 70000)))
    for i in range(8):     # 16 MB incompressible in large files
        write(os.path.join(root, "assets", "blob%d.bin" % i), rng.randbytes(2 << 20))
    for i in range(100):   # 5 MB incompressible in small files
        write(os.path.join(root, "static", "img%03d.jpg" % i), rng.randbytes(50 << 10))
    for i in range(20):    # ~8 MB semi-compressible binary
        write(os.path.join(root, "data", "table%02d.dat" % i),
              bytes(rng.choice(b"\x00\x01\x02\x03ABCDEFGH\xff") for _ in range(400 << 10)))
    write(os.path.join(root, "bin", "run.sh"), "#!/bin/sh\nexec python3 -m app\n", 0o755)

if __name__ == "__main__":
    kind, root = sys.argv[1], sys.argv[2]
    {"small": small, "mixed": mixed}[kind](root)
