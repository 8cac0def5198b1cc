#!/usr/bin/env python3
"""Writes wordfreq_ar.tsv.gz: Arabic word frequencies from the PyPI package wordfreq 3.1.1
(data CC BY-SA 4.0, Robyn Speer), normalised as Khabar's arabic::normalize does
(tashkeel/tatweel dropped, أ إ آ ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي), words of >= 2 letters with
Zipf frequency >= 1.5; one "word<TAB>zipf*10" line each, most frequent first (first spelling
wins). Usage: pip install wordfreq==3.1.1 msgpack; python3 make_wordfreq.py [large_ar.msgpack.gz]
"""
import gzip, re, sys
import msgpack

src = sys.argv[1] if len(sys.argv) > 1 else __import__("wordfreq").__path__[0] + "/data/large_ar.msgpack.gz"
data = msgpack.unpackb(gzip.open(src).read(), raw=False)
FOLD = {'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا', 'ى': 'ي', 'ة': 'ه', 'ؤ': 'و', 'ئ': 'ي'}
def norm(w):
    return ''.join(FOLD.get(c, c) for c in w if not (0x64B <= ord(c) <= 0x65F or ord(c) in (0x670, 0x640)))
seen = {}
for i, bucket in enumerate(data[1:], 1):
    z = 9 - i / 100
    if z < 1.5:
        break
    for w in bucket:
        if not re.fullmatch('[\u0621-\u064A\u0640\u064B-\u065F\u0670]+', w):
            continue
        n = norm(w)
        if len(n) >= 2 and n not in seen:
            seen[n] = round(z * 10)
with gzip.GzipFile('wordfreq_ar.tsv.gz', 'wb', mtime=0) as f:
    f.write(''.join(f'{w}\t{z}\n' for w, z in seen.items()).encode())
print(len(seen), 'words')
