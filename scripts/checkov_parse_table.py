"""
Pre-builds the LALR table of the JSONPath parser checkov uses (bc_jsonpath_ng), the way PLY
intends tables to be shipped.

bc_jsonpath_ng asks PLY for a parser for every JSONPath it parses, with write_tables=0, so PLY
regenerates the same table each time: about 45 ms, 43 times per scan of our templates, which was
2 of the scan's 5 seconds. PLY first imports a table module next to the grammar and uses it only
when the module's signature matches the grammar, so a table written here cannot change a result;
after an upgrade that changes the grammar PLY quietly goes back to generating it.

Run by the Makefile after installing requirements.txt into .venv; `--check` prints whether the
table matches the installed grammar (exit 1 if not).
"""
import os
import sys

import ply.yacc
from bc_jsonpath_ng.ext import parser as extended

# The name bc_jsonpath_ng passes to PLY ("<module>_<start>_parsetab"); PLY prefixes the package.
TABLE_MODULE = "parser_jsonpath_parsetab"
START = "jsonpath"


def grammar_signature() -> str:
    parser = extended.ExtentedJsonPathParser()
    definitions = {name: getattr(parser, name) for name in dir(parser)}
    definitions["__file__"] = sys.modules[definitions["__module__"]].__file__
    definitions["__package__"] = sys.modules[definitions["__module__"]].__package__
    definitions["start"] = START
    reflected = ply.yacc.ParserReflect(definitions, log=ply.yacc.NullLogger())
    reflected.get_all()
    return reflected.signature()


def table_signature() -> str | None:
    try:
        module = __import__(f"{extended.__package__}.{TABLE_MODULE}", fromlist=["_lr_signature"])
    except ImportError:
        return None
    return getattr(module, "_lr_signature", None)


def build() -> None:
    ply.yacc.yacc(
        module=extended.ExtentedJsonPathParser(),
        start=START,
        tabmodule=TABLE_MODULE,
        outputdir=os.path.dirname(extended.__file__),
        write_tables=True,
        debug=False,
        errorlog=ply.yacc.NullLogger(),
    )


if __name__ == "__main__":
    if "--check" in sys.argv:
        matches = table_signature() == grammar_signature()
        print("checkov JSONPath parse table: " + ("pre-built, matches the grammar" if matches else "missing or stale"))
        sys.exit(0 if matches else 1)
    build()
