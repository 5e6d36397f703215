#!/usr/bin/env python3
"""gvrpcgen.py: C structs, layouts and procedure tables from protocol/FAMILY.rpc

The protocol is described once, in src/rpc/protocol/FAMILY.rpc, one file per
family (core.rpc gives the syntax); a program's procedures may be spread
over several files, read in the order given.  This script emits only data,
never per-procedure code:

  gvrpcgen.py protocol-h OUT FILE...  constants, procedure numbers, C structs
                                      and their gvXdrLayout declarations (rpc)
  gvrpcgen.py protocol-c OUT FILE...  the gvXdrLayout tables (rpc)
  gvrpcgen.py procs-h OUT FILE...     handler prototypes (daemon)
  gvrpcgen.py procs-c OUT FILE...     the per-program procedure tables (daemon)

One C codec (src/rpc/gvxdrcodec.c) walks the layouts; the daemon's one
dispatcher walks the tables.  Errors name the file and line.
"""

import re
import sys

SCALARS = {
    # schema type: (kind, C type, minimum wire size)
    'int': ('GV_XDR_INT', 'gint32', 4),
    'uint': ('GV_XDR_UINT', 'guint32', 4),
    'hyper': ('GV_XDR_HYPER', 'gint64', 8),
    'uhyper': ('GV_XDR_UHYPER', 'guint64', 8),
    'bool': ('GV_XDR_BOOL', 'bool', 4),
    'double': ('GV_XDR_DOUBLE', 'double', 8),
}

ACRONYMS = {'XML', 'URI', 'UUID', 'ID', 'OS', 'CPU', 'NUMA', 'MAC', 'FD'}

PROC_FLAGS = {
    'before-open': 'GV_PROC_BEFORE_OPEN',
    'write': 'GV_PROC_WRITE',
    'worker': 'GV_PROC_WORKER',
    'event': 'GV_PROC_EVENT',
    'stream': 'GV_PROC_STREAM',
}

# virErrorDomain of a subsystem genvirt has no driver for
NOSUPPORT_DOMAINS = {
    'storage': 18,
    'network': 19,
    'nodedev': 22,
    'interface': 26,
    'secret': 30,
    'nwfilter': 33,
}


class SchemaError(Exception):
    pass


class Field:
    def __init__(self, name, kind, ctype, bound, sub, minwire, array=None, opt=False):
        self.name = name
        self.kind = kind
        self.ctype = ctype  # C declaration format: '%s' is the member name
        self.bound = bound
        self.sub = sub  # struct name (STRUCT, OPTIONAL) or element layout name (ARRAY)
        self.minwire = minwire
        self.array = array
        self.opt = opt


class Struct:
    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.fields = []
        self.elements = []  # element layouts of scalar arrays: (layout, Field)

    @property
    def ctype(self):
        return 'gv' + self.name

    def minwire(self):
        return sum(f.minwire for f in self.fields)


class Proc:
    def __init__(self, number, name, args, ret, flags, api, nosupport, line):
        self.program = None
        self.number = number
        self.name = name
        self.args = args
        self.ret = ret
        self.flags = flags
        self.api = api
        self.nosupport = nosupport
        self.line = line

    @property
    def api_name(self):
        # libvirt's API name, for errors: virDomainGetXMLDesc from DOMAIN_GET_XML_DESC
        return self.api or 'vir' + camel(self.name)

    @property
    def handler(self):
        prefix = '' if self.program == 'REMOTE' else camel(self.program)
        return 'gvProc' + prefix + camel(self.name)


class Program:
    def __init__(self, name, number, version, prefix, line):
        self.name = name
        self.number = number
        self.version = version
        self.prefix = prefix
        self.line = line
        self.procs = []


def camel(upper):
    return ''.join(w if w in ACRONYMS else w.capitalize() for w in upper.split('_'))


class Schema:
    def __init__(self, paths):
        self.consts = []
        self.structs = {}
        self.order = []
        self.programs = []
        for path in paths:
            self.path = path
            self.parse(open(path).read())
        for prog in self.programs:
            self.check_program(prog)

    def err(self, line, msg, path=None):
        raise SchemaError('%s:%d: %s' % (path or self.path, line, msg))

    def bound(self, text, line):
        text = text.strip()
        if re.fullmatch(r'\d+', text):
            return text
        if any(c[0] == text for c in self.consts) or re.fullmatch(r'GV_[A-Z0-9_]+', text):
            return text
        self.err(line, "bound '%s' is neither a number nor a constant" % text)

    def field(self, text, line, owner):
        m = re.fullmatch(r'(\w+)\s*(<[^>]*>|\[[^\]]*\])?\s*(\?)?\s+(\w+)\s*(<[^>]*>)?', text.strip())
        if not m:
            self.err(line, "cannot parse field '%s'" % text.strip())
        typ, tparam, opt, name, arr = m.groups()
        if typ in SCALARS:
            if tparam or opt:
                self.err(line, "'%s' takes no bound and cannot be optional" % typ)
            kind, ctype, mw = SCALARS[typ]
            f = Field(name, kind, ctype + ' %s', '0', None, mw)
        elif typ == 'string':
            if not tparam or tparam[0] != '<':
                self.err(line, "string '%s' needs a bound: string<MAX>" % name)
            f = Field(name, 'GV_XDR_OSTRING' if opt else 'GV_XDR_STRING', 'char *%s',
                      self.bound(tparam[1:-1], line), None, 4)
        elif typ in ('opaque', 'char'):
            if not tparam:
                self.err(line, "%s '%s' needs <MAX> or [SIZE]" % (typ, name))
            b = self.bound(tparam[1:-1], line)
            if tparam[0] == '<':
                f = Field(name, 'GV_XDR_OPAQUE' if typ == 'opaque' else 'GV_XDR_CHARS',
                          'gvXdrOpaque %s', b, None, 4)
            elif typ == 'opaque':
                if not b.isdigit():
                    self.err(line, 'fixed opaque sizes are numbers')
                f = Field(name, 'GV_XDR_FIXED_OPAQUE', 'unsigned char %%s[%s]' % b, b, None,
                          (int(b) + 3) // 4 * 4)
            else:
                if not b.isdigit():
                    self.err(line, 'fixed char sizes are numbers')
                f = Field(name, 'GV_XDR_FIXED_CHARS', 'char %%s[%s]' % b, b, None, 4 * int(b))
            if opt:
                self.err(line, "'%s' cannot be optional" % name)
        elif typ == 'uuid':
            f = Field(name, 'GV_XDR_FIXED_OPAQUE', 'unsigned char %s[GV_UUID_BUFLEN]',
                      'GV_UUID_BUFLEN', None, 16)
        elif typ == 'tparams':
            if not tparam or tparam[0] != '<':
                self.err(line, "tparams '%s' needs a bound: tparams<MAX>" % name)
            f = Field(name, 'GV_XDR_TPARAMS', 'GPtrArray *%s', self.bound(tparam[1:-1], line),
                      None, 4)
        elif typ in self.structs:
            st = self.structs[typ]
            if tparam:
                self.err(line, "struct '%s' takes no bound" % typ)
            if opt:
                f = Field(name, 'GV_XDR_OPTIONAL', st.ctype + ' *%s', '0', typ, 4)
            else:
                f = Field(name, 'GV_XDR_STRUCT', st.ctype + ' %s', '0', typ, st.minwire())
        else:
            self.err(line, "unknown type '%s' (structs must be declared before use)" % typ)
        if arr:
            b = self.bound(arr[1:-1], line)
            if f.kind in ('GV_XDR_STRUCT',):
                elem = f.sub
            else:
                # a scalar element gets a one-field layout of its own
                elem = '%s_%s' % (owner.name, name)
                owner.elements.append((elem, f))
            f = Field(name, 'GV_XDR_ARRAY', 'gvXdrArray %s', b, elem, 4, array=True)
        return f

    def parse(self, text):
        lines = text.split('\n')
        i = 0
        while i < len(lines):
            raw = lines[i].split('#', 1)[0].strip()
            lineno = i + 1
            i += 1
            if not raw:
                continue
            m = re.fullmatch(r'const\s+(\w+)\s*=\s*(\w+)\s*;', raw)
            if m:
                self.consts.append((m.group(1), m.group(2)))
                continue
            m = re.fullmatch(r'struct\s+(\w+)\s*\{(.*)', raw)
            if m:
                name, body = m.group(1), m.group(2)
                if name in self.structs:
                    self.err(lineno, "struct '%s' declared twice" % name)
                st = Struct(name, lineno)
                start = lineno
                while '}' not in body:
                    if i >= len(lines):
                        self.err(start, "struct '%s' has no closing brace" % name)
                    body += ' ' + lines[i].split('#', 1)[0]
                    i += 1
                body, rest = body.split('}', 1)
                if rest.strip() not in ('', ';'):
                    self.err(start, "text after struct '%s'" % name)
                names = set()
                for ftext in body.split(';'):
                    if not ftext.strip():
                        continue
                    f = self.field(ftext, start, st)
                    if f.name in names:
                        self.err(start, "field '%s' twice in struct '%s'" % (f.name, name))
                    names.add(f.name)
                    st.fields.append(f)
                self.structs[name] = st
                self.order.append(name)
                continue
            m = re.fullmatch(r'program\s+(\w+)\s+(0x[0-9a-fA-F]+)\s+(\d+)\s+(\w+)\s*\{', raw)
            if m:
                prog = self.program(Program(m.group(1), m.group(2), m.group(3), m.group(4),
                                            lineno))
                while True:
                    if i >= len(lines):
                        self.err(prog.line, "program '%s' has no closing brace" % prog.name)
                    praw = lines[i].split('#', 1)[0].strip()
                    plineno = i + 1
                    i += 1
                    if not praw:
                        continue
                    if praw == '}':
                        break
                    p = self.proc(praw, plineno)
                    p.program = prog.name
                    prog.procs.append(p)
                continue
            self.err(lineno, "cannot parse '%s'" % raw)

    def program(self, new):
        """The program @new declares: the one of that name seen before, or @new"""
        for prog in self.programs:
            if prog.name == new.name:
                if (prog.number, prog.version, prog.prefix) != (new.number, new.version,
                                                               new.prefix):
                    self.err(new.line, "program '%s' declared differently at %s:%d" %
                             (new.name, prog.path, prog.line))
                return prog
        new.path = self.path
        self.programs.append(new)
        return new

    def proc(self, text, line):
        words = text.split()
        if len(words) < 4 or not words[0].isdigit():
            self.err(line, "a procedure is 'NUMBER NAME ARGS RET [flags] [api=NAME]'")
        number, name, args, ret = int(words[0]), words[1], words[2], words[3]
        flags = []
        api = None
        nosupport = None
        for w in words[4:]:
            if w.startswith('api='):
                api = w[4:]
            elif w.startswith('nosupport='):
                nosupport = w[len('nosupport='):]
                if nosupport not in NOSUPPORT_DOMAINS:
                    self.err(line, "unknown subsystem '%s'" % nosupport)
            elif w in PROC_FLAGS:
                flags.append(w)
            else:
                self.err(line, "unknown procedure flag '%s'" % w)
        for s in (args, ret):
            if s != 'void' and s not in self.structs:
                self.err(line, "procedure %s: unknown struct '%s'" % (name, s))
        if nosupport and (args != 'void' or ret != 'void'):
            self.err(line, 'a nosupport procedure is never decoded: give it void void')
        p = Proc(number, name, args, ret, flags, api, nosupport, line)
        p.path = self.path
        return p

    def check_program(self, prog):
        seen = {}
        for p in prog.procs:
            self.path = p.path
            if p.number <= 0:
                self.err(p.line, 'procedure numbers start at 1')
            if p.number in seen:
                self.err(p.line, 'procedure number %d reused (first at %s)' %
                         (p.number, seen[p.number]))
            seen[p.number] = '%s:%d' % (p.path, p.line)
        names = set()
        for p in prog.procs:
            self.path = p.path
            if p.name in names:
                self.err(p.line, "procedure name '%s' used twice" % p.name)
            names.add(p.name)


def c_struct_name(schema, s):
    return 'gvRpcVoid' if s == 'void' else schema.structs[s].ctype


def c_layout_name(schema, s):
    return 'gvRpcVoidLayout' if s == 'void' else schema.structs[s].ctype + 'Layout'


HEADER = '/* Generated by src/rpc/gvrpcgen.py from %s: do not edit. */\n'


def gen_protocol_h(schema, out):
    w = out.write
    w(HEADER % 'src/rpc/protocol/FAMILY.rpc')
    w('#pragma once\n\n#include <stdbool.h>\n#include <glib.h>\n\n')
    w('#include "gvnetmessage.h"\n#include "gvuuid.h"\n#include "gvxdrcodec.h"\n\n')
    for name, value in schema.consts:
        w('#define %s %s\n' % (name, value))
    w('\n')
    for prog in schema.programs:
        w('#define GV_PROGRAM_%s %s\n' % (prog.name, prog.number))
    w('\n')
    for prog in schema.programs:
        w('typedef enum {\n')
        for p in sorted(prog.procs, key=lambda p: p.number):
            w('    %s%s = %d,\n' % (prog.prefix, p.name, p.number))
        w('} gvProgram%sProcedure;\n\n' % camel(prog.name))
    for sname in schema.order:
        st = schema.structs[sname]
        w('typedef struct {\n')
        for f in st.fields:
            w('    %s;\n' % (f.ctype % f.name))
        if not st.fields:
            w('    char unused;\n')
        w('} %s;\n' % st.ctype)
        w('extern const gvXdrLayout %sLayout;\n\n' % st.ctype)


def gen_protocol_c(schema, out):
    w = out.write
    w(HEADER % 'src/rpc/protocol/FAMILY.rpc')
    w('#include <gvconfig.h>\n\n#include <stddef.h>\n\n#include "gvprotocol-gen.h"\n\n')
    for sname in schema.order:
        st = schema.structs[sname]
        for elem, f in st.elements:
            # element layout: one field at offset 0 of a struct that is just that field
            w('typedef struct {\n    %s;\n} gvElem_%s;\n' % (f.ctype % 'v', elem))
            w('static const gvXdrField gvElem_%sFields[] = {\n' % elem)
            w('    { "%s", %s, 0, %s, %s },\n};\n' %
              (f.name, f.kind, f.bound, '&%sLayout' % schema.structs[f.sub].ctype
               if f.sub else 'NULL'))
            w('static const gvXdrLayout gvElem_%sLayout = { "%s.%s", sizeof(gvElem_%s), %d, '
              'gvElem_%sFields, 1 };\n\n' % (elem, sname, f.name, elem, f.minwire, elem))
        if st.fields:
            w('static const gvXdrField %sFields[] = {\n' % st.ctype)
            for f in st.fields:
                if f.kind == 'GV_XDR_ARRAY':
                    sub = ('&%sLayout' % schema.structs[f.sub].ctype if f.sub in schema.structs
                           else '&gvElem_%sLayout' % f.sub)
                elif f.sub:
                    sub = '&%sLayout' % schema.structs[f.sub].ctype
                else:
                    sub = 'NULL'
                w('    { "%s", %s, offsetof(%s, %s), %s, %s },\n' %
                  (f.name, f.kind, st.ctype, f.name, f.bound, sub))
            w('};\n')
            w('const gvXdrLayout %sLayout = { "%s", sizeof(%s), %d, %sFields, %d };\n\n' %
              (st.ctype, sname, st.ctype, st.minwire(), st.ctype, len(st.fields)))
        else:
            w('const gvXdrLayout %sLayout = { "%s", sizeof(%s), 0, NULL, 0 };\n\n' %
              (st.ctype, sname, st.ctype))


def handled(p):
    return not p.nosupport and 'event' not in p.flags


def gen_procs_h(schema, out):
    w = out.write
    w(HEADER % 'src/rpc/protocol/FAMILY.rpc')
    w('#pragma once\n\n#include "gvprotocol-gen.h"\n#include "remote_call.h"\n\n')
    for prog in schema.programs:
        w('/* program %s */\n' % prog.name)
        for p in sorted(prog.procs, key=lambda p: p.number):
            if not handled(p):
                continue
            w('int %s(gvCall *call, const %s *args, %s *ret, GError **error);\n' %
              (p.handler, c_struct_name(schema, p.args), c_struct_name(schema, p.ret)))
        w('\n')


def gen_procs_c(schema, out):
    w = out.write
    w(HEADER % 'src/rpc/protocol/FAMILY.rpc')
    w('#include <gvconfig.h>\n\n#include "remote_procs-gen.h"\n\n')
    for prog in schema.programs:
        for p in sorted(prog.procs, key=lambda p: p.number):
            if not handled(p):
                continue
            # the one place a typed handler meets the generic signature
            w('static int\n%sThunk(gvCall *call, const void *args, void *ret, GError **error)\n'
              '{\n    return %s(call, args, ret, error);\n}\n\n' % (p.handler, p.handler))
    for prog in schema.programs:
        top = max(p.number for p in prog.procs)
        w('static const gvProcDesc gvProgram%sProcs[%d] = {\n' % (camel(prog.name), top + 1))
        for p in sorted(prog.procs, key=lambda p: p.number):
            flags = ' | '.join(PROC_FLAGS[f] for f in p.flags) or '0'
            if p.nosupport:
                flags = 'GV_PROC_NOSUPPORT' + ('' if flags == '0' else ' | ' + flags)
            w('    [%d] = { %d, "%s", "%s", %s, %d, &%s, &%s, %s },\n' %
              (p.number, p.number, p.name, p.api_name, flags,
               NOSUPPORT_DOMAINS.get(p.nosupport, 0), c_layout_name(schema, p.args),
               c_layout_name(schema, p.ret), p.handler + 'Thunk' if handled(p) else 'NULL'))
        w('};\n\n')
    w('const gvProgramDesc gvPrograms[] = {\n')
    for prog in schema.programs:
        top = max(p.number for p in prog.procs)
        w('    { "%s", GV_PROGRAM_%s, %s, gvProgram%sProcs, %d },\n' %
          (prog.name, prog.name, prog.version, camel(prog.name), top + 1))
    w('};\nconst size_t gvProgramCount = %d;\n' % len(schema.programs))


def main(argv):
    if len(argv) < 4:
        sys.stderr.write('usage: gvrpcgen.py protocol-h|protocol-c|procs-h|procs-c OUT FILE...\n')
        return 2
    mode, outpath, paths = argv[1], argv[2], argv[3:]
    try:
        schema = Schema(paths)
    except SchemaError as e:
        sys.stderr.write('gvrpcgen: %s\n' % e)
        return 1
    gen = {'protocol-h': gen_protocol_h, 'protocol-c': gen_protocol_c,
           'procs-h': gen_procs_h, 'procs-c': gen_procs_c}.get(mode)
    if not gen:
        sys.stderr.write('gvrpcgen: unknown mode %s\n' % mode)
        return 2
    with open(outpath, 'w') as out:
        gen(schema, out)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
