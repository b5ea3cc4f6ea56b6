"""Generated from graph.schema.json by `python -m graphstudio.document.gate`; do not edit."""
# flake8: noqa
SCHEMA = '{\n  "$schema": "https://json-schema.org/draft/2020-12/schema",\n  "$id": "urn:graphstudio:graph-file",\n  "title": "GraphStudio graph file",\n  "description": "Structure of a GraphStudio graph file (see shared/spec/graph-format.md). What ops mean is checked elsewhere. Unknown top-level keys are allowed and kept; \'ui\' is reserved for the editor.",\n  "type": "object",\n  "required": ["graphstudio", "nodes"],\n  "properties": {\n    "graphstudio": {\n      "description": "a format version (a whole number, 1 or more)",\n      "type": "integer",\n      "minimum": 1\n    },\n    "title": {"type": "string"},\n    "notes": {"type": "string"},\n    "translations": {\n      "description": "the title and notes in other languages, by locale name: {\\"zh_CN\\": {\\"title\\": ..., \\"notes\\": ...}}",\n      "type": "object",\n      "propertyNames": {"description": "a locale name such as zh_CN", "pattern": "^[a-z]{2,3}(_[A-Z]{2})?$"},\n      "additionalProperties": {\n        "type": "object",\n        "additionalProperties": false,\n        "properties": {"title": {"type": "string"}, "notes": {"type": "string"}}\n      }\n    },\n    "device": {\n      "description": "\\"cpu\\", \\"cuda\\" or \\"cuda:N\\"",\n      "type": "string",\n      "pattern": "^(cpu|cuda(:[0-9]+)?)$"\n    },\n    "seed": {"type": "integer", "minimum": 0},\n    "steps": {"type": "integer", "minimum": 1},\n    "nodes": {"type": "array", "items": {"$ref": "#/$defs/node"}},\n    "ui": {"type": "object"}\n  },\n  "$defs": {\n    "node": {\n      "type": "object",\n      "required": ["id", "op"],\n      "additionalProperties": false,\n      "properties": {\n        "id": {\n          "description": "an id made of letters, digits and _, not starting with a digit",\n          "type": "string",\n          "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"\n        },\n        "op": {"description": "an op name", "type": "string", "minLength": 1},\n        "inputs": {"type": "object", "additionalProperties": {"$ref": "#/$defs/input"}},\n        "params": {"type": "object"},\n        "pos": {\n          "description": "a canvas position [x, y] (two numbers)",\n          "type": "array",\n          "items": {"type": "number"},\n          "minItems": 2,\n          "maxItems": 2\n        }\n      }\n    },\n    "ref": {\n      "description": "a node reference like \\"x\\" or \\"x:name\\"",\n      "type": "string",\n      "pattern": "^[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z0-9_]+)?$"\n    },\n    "tensor": {\n      "description": "a (nested) list of numbers",\n      "type": "array",\n      "items": {"anyOf": [{"type": "number"}, {"$ref": "#/$defs/tensor"}]}\n    },\n    "input": {\n      "description": "a node reference (\\"x\\" or \\"x:name\\"), a number, a (nested) list of numbers, or a list of those",\n      "anyOf": [\n        {"$ref": "#/$defs/ref"},\n        {"type": "number"},\n        {"$ref": "#/$defs/tensor"},\n        {\n          "type": "array",\n          "items": {"anyOf": [{"$ref": "#/$defs/ref"}, {"type": "number"}, {"$ref": "#/$defs/tensor"}]}\n        }\n      ]\n    }\n  }\n}\n'

VERSION = "2.22.3"
import re
class JsonSchemaValueException(ValueError):
    """The gate's no (fastjsonschema's own exceptions are ValueErrors too)."""


JsonSchemaValuesException = JsonSchemaValueException


REGEX_PATTERNS = {
    '^[a-z]{2,3}(_[A-Z]{2})?$': re.compile('^[a-z]{2,3}(_[A-Z]{2})?\\Z'),
    '^(cpu|cuda(:[0-9]+)?)$': re.compile('^(cpu|cuda(:[0-9]+)?)\\Z'),
    '^[A-Za-z_][A-Za-z0-9_]*$': re.compile('^[A-Za-z_][A-Za-z0-9_]*\\Z'),
    '^[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z0-9_]+)?$': re.compile('^[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z0-9_]+)?\\Z')
}

NoneType = type(None)

def validate_urn_graphstudio_graph_file(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['graphstudio', 'nodes']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "graphstudio" in data_keys:
            data_keys.remove("graphstudio")
            data__graphstudio = data["graphstudio"]
            if not isinstance(data__graphstudio, (int)) and not (isinstance(data__graphstudio, float) and data__graphstudio.is_integer()) or isinstance(data__graphstudio, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".graphstudio must be integer")
            if isinstance(data__graphstudio, (int, float)) and not isinstance(data__graphstudio, bool):
                if data__graphstudio < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".graphstudio must be bigger than or equal to 1")
        if "title" in data_keys:
            data_keys.remove("title")
            data__title = data["title"]
            if not isinstance(data__title, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".title must be string")
        if "notes" in data_keys:
            data_keys.remove("notes")
            data__notes = data["notes"]
            if not isinstance(data__notes, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".notes must be string")
        if "translations" in data_keys:
            data_keys.remove("translations")
            data__translations = data["translations"]
            if not isinstance(data__translations, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".translations must be object")
            data__translations_is_dict = isinstance(data__translations, dict)
            if data__translations_is_dict:
                data__translations_keys = set(data__translations.keys())
                for data__translations_key in data__translations_keys:
                    if data__translations_key not in []:
                        data__translations_value = data__translations.get(data__translations_key)
                        if not isinstance(data__translations_value, (dict)):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".translations.{data__translations_key}".format(**locals()) + " must be object")
                        data__translations_value_is_dict = isinstance(data__translations_value, dict)
                        if data__translations_value_is_dict:
                            data__translations_value_keys = set(data__translations_value.keys())
                            if "title" in data__translations_value_keys:
                                data__translations_value_keys.remove("title")
                                data__translations_value__title = data__translations_value["title"]
                                if not isinstance(data__translations_value__title, (str)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".translations.{data__translations_key}.title".format(**locals()) + " must be string")
                            if "notes" in data__translations_value_keys:
                                data__translations_value_keys.remove("notes")
                                data__translations_value__notes = data__translations_value["notes"]
                                if not isinstance(data__translations_value__notes, (str)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".translations.{data__translations_key}.notes".format(**locals()) + " must be string")
                            if data__translations_value_keys:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".translations.{data__translations_key}".format(**locals()) + " must not contain "+str(data__translations_value_keys)+" properties")
                data__translations_len = len(data__translations)
                if data__translations_len != 0:
                    data__translations_property_names = True
                    for data__translations_key in data__translations:
                        try:
                            if isinstance(data__translations_key, str):
                                if not REGEX_PATTERNS['^[a-z]{2,3}(_[A-Z]{2})?$'].search(data__translations_key):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".translations must match pattern ^[a-z]{2,3}(_[A-Z]{2})?$")
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__translations_property_names = False
                    if not data__translations_property_names:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".translations must be named by propertyName definition")
        if "device" in data_keys:
            data_keys.remove("device")
            data__device = data["device"]
            if not isinstance(data__device, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".device must be string")
            if isinstance(data__device, str):
                if not REGEX_PATTERNS['^(cpu|cuda(:[0-9]+)?)$'].search(data__device):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".device must match pattern ^(cpu|cuda(:[0-9]+)?)$")
        if "seed" in data_keys:
            data_keys.remove("seed")
            data__seed = data["seed"]
            if not isinstance(data__seed, (int)) and not (isinstance(data__seed, float) and data__seed.is_integer()) or isinstance(data__seed, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".seed must be integer")
            if isinstance(data__seed, (int, float)) and not isinstance(data__seed, bool):
                if data__seed < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".seed must be bigger than or equal to 0")
        if "steps" in data_keys:
            data_keys.remove("steps")
            data__steps = data["steps"]
            if not isinstance(data__steps, (int)) and not (isinstance(data__steps, float) and data__steps.is_integer()) or isinstance(data__steps, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".steps must be integer")
            if isinstance(data__steps, (int, float)) and not isinstance(data__steps, bool):
                if data__steps < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".steps must be bigger than or equal to 1")
        if "nodes" in data_keys:
            data_keys.remove("nodes")
            data__nodes = data["nodes"]
            if not isinstance(data__nodes, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".nodes must be array")
            data__nodes_is_list = isinstance(data__nodes, (list, tuple))
            if data__nodes_is_list:
                data__nodes_len = len(data__nodes)
                for data__nodes_x, data__nodes_item in enumerate(data__nodes):
                    validate____defs_node(data__nodes_item, custom_formats, None)
        if "ui" in data_keys:
            data_keys.remove("ui")
            data__ui = data["ui"]
            if not isinstance(data__ui, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".ui must be object")
    return data

def validate____defs_node(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['id', 'op']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "id" in data_keys:
            data_keys.remove("id")
            data__id = data["id"]
            if not isinstance(data__id, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".id must be string")
            if isinstance(data__id, str):
                if not REGEX_PATTERNS['^[A-Za-z_][A-Za-z0-9_]*$'].search(data__id):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".id must match pattern ^[A-Za-z_][A-Za-z0-9_]*$")
        if "op" in data_keys:
            data_keys.remove("op")
            data__op = data["op"]
            if not isinstance(data__op, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".op must be string")
            if isinstance(data__op, str):
                data__op_len = len(data__op)
                if data__op_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".op must be longer than or equal to 1 characters")
        if "inputs" in data_keys:
            data_keys.remove("inputs")
            data__inputs = data["inputs"]
            if not isinstance(data__inputs, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".inputs must be object")
            data__inputs_is_dict = isinstance(data__inputs, dict)
            if data__inputs_is_dict:
                data__inputs_keys = set(data__inputs.keys())
                for data__inputs_key in data__inputs_keys:
                    if data__inputs_key not in []:
                        data__inputs_value = data__inputs.get(data__inputs_key)
                        validate____defs_input(data__inputs_value, custom_formats, None)
        if "params" in data_keys:
            data_keys.remove("params")
            data__params = data["params"]
            if not isinstance(data__params, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".params must be object")
        if "pos" in data_keys:
            data_keys.remove("pos")
            data__pos = data["pos"]
            if not isinstance(data__pos, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".pos must be array")
            data__pos_is_list = isinstance(data__pos, (list, tuple))
            if data__pos_is_list:
                data__pos_len = len(data__pos)
                if data__pos_len < 2:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".pos must contain at least 2 items")
                if data__pos_len > 2:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".pos must contain less than or equal to 2 items")
                for data__pos_x, data__pos_item in enumerate(data__pos):
                    if not isinstance(data__pos_item, (int, float)) or isinstance(data__pos_item, bool):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".pos[{data__pos_x}]".format(**locals()) + " must be number")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties")
    return data

def validate____defs_input(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            validate____defs_ref(data, custom_formats, None)
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (int, float)) or isinstance(data, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be number")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            validate____defs_tensor(data, custom_formats, None)
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    data_item_any_of_count2 = 0
                    if not data_item_any_of_count2:
                        try:
                            validate____defs_ref(data_item, custom_formats, None)
                            data_item_any_of_count2 += 1
                        except (JsonSchemaValueException, JsonSchemaValuesException): pass
                    if not data_item_any_of_count2:
                        try:
                            if not isinstance(data_item, (int, float)) or isinstance(data_item, bool):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be number")
                            data_item_any_of_count2 += 1
                        except (JsonSchemaValueException, JsonSchemaValuesException): pass
                    if not data_item_any_of_count2:
                        try:
                            validate____defs_tensor(data_item, custom_formats, None)
                            data_item_any_of_count2 += 1
                        except (JsonSchemaValueException, JsonSchemaValuesException): pass
                    if not data_item_any_of_count2:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " cannot be validated by any definition")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data

def validate____defs_tensor(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (list, tuple)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
    data_is_list = isinstance(data, (list, tuple))
    if data_is_list:
        data_len = len(data)
        for data_x, data_item in enumerate(data):
            data_item_any_of_count3 = 0
            if not data_item_any_of_count3:
                try:
                    if not isinstance(data_item, (int, float)) or isinstance(data_item, bool):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be number")
                    data_item_any_of_count3 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data_item_any_of_count3:
                try:
                    validate____defs_tensor(data_item, custom_formats, None)
                    data_item_any_of_count3 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data_item_any_of_count3:
                raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " cannot be validated by any definition")
    return data

def validate____defs_ref(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if isinstance(data, str):
        if not REGEX_PATTERNS['^[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z0-9_]+)?$'].search(data):
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z0-9_]+)?$")
    return data

validate = validate_urn_graphstudio_graph_file
