"""Fails when a module of a crate depends on a module that depends back on it.

`python3 scripts/module_cycles.py CRATE/src...`: builds each crate's module graph from its paths
(`crate::…`, `super::…` and `use child::…`; comments and `#[cfg(test)]` modules left out, inline
modules folded into their file) and prints every cycle. A path through a re-export counts as a
dependency on the re-exporting module, so children name the module that defines what they use.
"""
import re,sys,os,glob

def cycles(root):
    files={}
    for p in glob.glob(root+'/**/*.rs',recursive=True):
        rel=os.path.relpath(p,root)[:-3]
        parts=rel.split('/')
        if parts[-1] in ('mod','lib','main'): parts=parts[:-1]
        files[tuple(parts)]=p
    def resolve(path):
        for n in range(len(path),-1,-1):
            if tuple(path[:n]) in files: return tuple(path[:n])
    edges={}
    for mod,p in files.items():
        src=open(p).read()
        src=re.sub(r'//[^\n]*','',src)
        src=re.split(r'#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*mod \w+',src)[0]
        src=re.split(r'#\[cfg\(all\(test[^\]]*\]\s*mod \w+',src)[0]
        deps=set()
        # walk, tracking inline-module depth
        depth=0; stack=[]  # brace depth at which each inline mod opened
        tokens=re.finditer(r'\bmod\s+\w+\s*\{|\{|\}|\b(?:crate|super)(?:::\w+)+|^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+(?!crate::|super::|self::)\w+::',src,flags=re.M)
        for t in tokens:
            s=t.group(0)
            if s.startswith('mod') or re.match(r'mod\s',s):
                depth+=1; stack.append(depth); continue
            if s=='{': depth+=1; continue
            if s=='}':
                if stack and stack[-1]==depth: stack.pop()
                depth-=1; continue
            inner=len(stack)
            if s.lstrip().startswith(('use','pub')):
                first=re.search(r'use\s+(\w+)::',s).group(1)
                if first in ('crate','super','self','std','core','alloc'): continue
                tgt=resolve(list(mod)+[first])
                if tgt is not None and tgt!=mod and len(tgt)>len(mod): deps.add(tgt)
                continue
            segs=s.split('::')
            if segs[0]=='crate': base=[]; segs=segs[1:]
            else:
                n=0
                while segs and segs[0]=='super': n+=1; segs=segs[1:]
                n-=inner  # supers that only leave inline modules
                if n<0: continue
                base=list(mod)[:len(mod)-n] if n else list(mod)
            tgt=resolve(base+segs)
            if tgt is not None and tgt!=mod: deps.add(tgt)
        edges[mod]=deps
    index={};low={};st=[];on=set();sccs=[];i=[0]
    sys.setrecursionlimit(10000)
    def sc(v):
        index[v]=low[v]=i[0];i[0]+=1;st.append(v);on.add(v)
        for w in edges.get(v,()):
            if w not in index: sc(w);low[v]=min(low[v],low[w])
            elif w in on: low[v]=min(low[v],index[w])
        if low[v]==index[v]:
            comp=[]
            while True:
                w=st.pop();on.discard(w);comp.append(w)
                if w==v:break
            if len(comp)>1: sccs.append(comp)
    for v in edges:
        if v not in index: sc(v)
    name=lambda x:'::'.join(x) or 'crate'
    for c in sccs:
        print('cycle:',' '.join(name(x) for x in sorted(c)))
        for a in sorted(c):
            for b in sorted(edges[a]):
                if b in c: print('   ',name(a),'->',name(b))
    return len(sccs)


found = sum(cycles(root) for root in sys.argv[1:])
if found:
    sys.exit(f"{found} import cycle(s) between modules")
print(f"no import cycle between the modules of {len(sys.argv) - 1} crates")
