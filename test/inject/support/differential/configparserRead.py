# Reads INI texts the way Python's configparser does (tox.ini, setup.cfg, pylintrc readers): one JSON
# array of texts on stdin, one JSON array of {"sections": {...}} or {"error": "..."} on stdout.
# Keys keep their case (optionxform=str) so they compare with the file; no interpolation.
import configparser
import json
import sys

def read(text):
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    try:
        parser.read_string(text)
    except configparser.Error as error:
        return {"error": type(error).__name__}
    sections = {name: dict(parser._sections[name]) for name in parser.sections()}
    if parser.defaults():
        sections[parser.default_section] = dict(parser.defaults())
    return {"sections": sections}

json.dump([read(text) for text in json.load(sys.stdin)], sys.stdout)
