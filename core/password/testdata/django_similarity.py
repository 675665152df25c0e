# Reference for django_similarity.json: Django 4.x UserAttributeSimilarityValidator
# (3.2.11+ algorithm) with plain Python difflib; run with python3 in this folder.
import re, json
from difflib import SequenceMatcher

def exceeds_maximum_length_ratio(password, max_similarity, value):
    pwd_len = len(password)
    length_bound_similarity = max_similarity / 2 * pwd_len
    value_len = len(value)
    return pwd_len >= 10 * value_len and value_len < length_bound_similarity

def similarity(password, attrs, max_similarity=0.7):
    password = password.lower()
    for name, value in attrs:
        if not value:
            continue
        value_lower = value.lower()
        value_parts = re.split(r"\W+", value_lower) + [value_lower]
        for value_part in value_parts:
            if exceeds_maximum_length_ratio(password, max_similarity, value_part):
                continue
            if SequenceMatcher(a=password, b=value_part).quick_ratio() >= max_similarity:
                return "The password is too similar to the %s." % name
    return None

attrs = [("username","alice"),("first name","Alice"),("last name","Liddell"),("email address","alice.liddell@example.com")]
attrs2 = [("username","jean-luc_picard"),("first name","Jean-Luc"),("last name",""),("email address","jl@starfleet.example")]
attrs3 = [("username","müller"),("first name","Zoë"),("last name","Ødegård"),("email address","zoë.müller@exämple.de")]
attrs4 = [("username","a"),("email address","-x-@y")]
pws = ["alice","Alice1234","ecila","alice.liddell","liddell99","ALICE.LIDDELL@EXAMPLE.COM","correct horse battery staple",
 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","a","", "x"*30, "picard", "jeanluc", "Jean-Luc!", "starfleet1",
 "jl", "jlj", "müller", "MÜLLER2020", "zoe", "zoë", "ødegård", "exämple", "xa", "ay", "y", "qwertyuiop", "jean_luc", "_"]
out=[]
for i,a in enumerate([attrs,attrs2,attrs3,attrs4]):
    for p in pws:
        for ms in (0.7, 0.5, 1.0, 0.1):
            out.append([i,p,ms,similarity(p,a,ms)])
json.dump(out, open("django_similarity.json","w"), ensure_ascii=False)
