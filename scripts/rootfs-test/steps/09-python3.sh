# shellcheck shell=sh
# python3 one-liners: hashlib, json, and a little of everything else.
set -e
python3 -c 'import sys, platform; print(sys.version.split()[0], sys.platform, platform.machine(), sys.byteorder, sys.maxsize)'
python3 -c '
import hashlib
for data in (b"", b"abc", b"ferry" * 100000):
    for name in ("md5", "sha1", "sha256", "sha512", "sha3_256", "blake2b"):
        print(name, hashlib.new(name, data).hexdigest())
print(hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 1000).hex())
'
python3 -c '
import json
d = {"ints": list(range(10)), "sq": {str(i): i * i for i in range(12)}, "pi": 3.141592653589793,
     "e": 2.718281828459045e-10, "s": "caf\u00e9 \u2603", "t": True, "n": None, "nested": [[1, [2, [3]]]]}
s = json.dumps(d, sort_keys=True, indent=2)
print(s)
print(json.loads(s) == d, json.dumps(d, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
'
python3 -c '
import math, decimal, fractions, struct, zlib, statistics
print(math.factorial(30), math.pi, math.sqrt(2), math.exp(1), math.lgamma(10.5), math.fsum([0.1] * 10))
decimal.getcontext().prec = 50
print(decimal.Decimal(1) / decimal.Decimal(7), fractions.Fraction(3, 7) + fractions.Fraction(2, 9))
print(struct.pack("<qdf", -5, 1.5, 2.25).hex(), zlib.crc32(b"ferry"), zlib.adler32(b"ferry"))
data = bytes(range(256)) * 200
c = zlib.compress(data, 9)
print(len(c), zlib.decompress(c) == data)
print(statistics.mean(range(101)), statistics.pstdev([1, 2, 3, 4, 5]))
print(sorted({"pear": 3, "apple": 1, "fig": 2}.items()), 2 ** 200, (-7) // 2, -7 % 3, round(2.675, 2), float("nan") != float("nan"))
'
python3 -c '
import subprocess, threading, sqlite3, os, tempfile
r = subprocess.run(["sh", "-c", "echo from sh; exit 4"], capture_output=True, text=True)
print(repr(r.stdout), r.returncode)
total = [0]; lock = threading.Lock()
def work(k):
    for i in range(20000):
        with lock:
            total[0] += k
ts = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]
[t.start() for t in ts]; [t.join() for t in ts]
print("threads:", total[0])
db = sqlite3.connect(":memory:")
db.execute("create table t (k integer primary key, v text)")
db.executemany("insert into t (v) values (?)", [(str(i * i),) for i in range(1000)])
print(db.execute("select count(*), sum(length(v)), max(k) from t").fetchone())
with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, "f")
    with open(p, "w") as f:
        f.write("x" * 12345)
    print(os.stat(p).st_size, sorted(os.listdir(d)))
'
