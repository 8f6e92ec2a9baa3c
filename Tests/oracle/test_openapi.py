"""/openapi.json describes every route of `gridplan serve`: the document passes
openapi-spec-validator, every route the server answers is in it, and the answers of every route
(ok and refused) validate against the schema it declares for them (JSON Schema 2020-12, jsonschema)."""
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import jsonschema
import pytest
from openapi_spec_validator import validate

from conftest import ROOT, start_server

TOKEN = "openapi-check-0123456789"


@pytest.fixture(scope="module")
def served(gridplan, gridplan_binary, rostered, tmp_path_factory):
    folder = tmp_path_factory.mktemp("openapi")
    db = folder / "plan.gpkg"
    db.write_bytes(rostered[0].read_bytes())
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    (folder / "tokens").write_text(TOKEN + "\n")
    url, process = start_server(gridplan_binary, db, "--token-file", str(folder / "tokens"))
    url = url.rstrip("/")
    with urllib.request.urlopen(url + "/openapi.json") as r:
        spec = json.loads(r.read())
    yield url, spec, rostered
    process.kill()
    process.wait(10)


def call(url, method, path, body=None, token=None, **query):
    full = url + path + ("?" + urllib.parse.urlencode(query) if query else "")
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    request = urllib.request.Request(full, data=None if body is None else json.dumps(body).encode(), method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, r.headers.get("Content-Type", "").split(";")[0], json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", "").split(";")[0], json.loads(e.read())


def check(spec, template, method, answer):
    """The answer validates against the schema the document gives for this route, status and type."""
    status, kind, body = answer
    responses = spec["paths"][template][method]["responses"]
    response = responses.get(str(status))
    assert response is not None, f"{method.upper()} {template} answered {status}, which the document does not list"
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].split("/")[-1]]
    assert kind in response["content"], f"{template} {status}: {kind} not among {list(response['content'])}"
    schema = response["content"][kind]["schema"]
    jsonschema.Draft202012Validator(dict(spec, **{"$ref": "#/x-current"}, **{"x-current": schema})).validate(body)
    return body


def test_the_document_is_valid_openapi(served):
    _, spec, _ = served
    validate(spec)
    assert spec["openapi"].startswith("3.1")


def test_every_route_answers_as_described(served):
    url, spec, rostered = served
    _, polygons, codes, _ = rostered
    p = polygons[0].representative_point()
    check(spec, "/api/health", "get", call(url, "GET", "/api/health"))
    check(spec, "/api/version", "get", call(url, "GET", "/api/version"))
    check(spec, "/api/plan", "get", call(url, "GET", "/api/plan"))
    check(spec, "/api/grids", "get", call(url, "GET", "/api/grids", level="area"))
    check(spec, "/api/grids", "get", call(url, "GET", "/api/grids", level="parcel"))
    answer = check(spec, "/api/who-covers", "get", call(url, "GET", "/api/who-covers", lon=repr(p.x), lat=repr(p.y)))
    assert answer["chain"][0]["code"] == codes[0]
    check(spec, "/api/who-covers", "get", call(url, "GET", "/api/who-covers", lon="110.3"))
    check(spec, "/api/who-covers", "get", call(url, "GET", "/api/who-covers", address="北京市朝阳区某某路1号"))
    check(spec, "/api/map/cases", "get", call(url, "GET", "/api/map/cases", bbox="110.3,21.2,110.45,21.35", cell="0.01"))
    check(spec, "/api/map/case-counts", "get", call(url, "GET", "/api/map/case-counts", level="unit"))
    check(spec, "/ogc", "get", call(url, "GET", "/ogc"))
    check(spec, "/ogc/conformance", "get", call(url, "GET", "/ogc/conformance"))
    check(spec, "/ogc/collections", "get", call(url, "GET", "/ogc/collections"))
    check(spec, "/ogc/collections/{collectionId}", "get", call(url, "GET", "/ogc/collections/unit_grids"))
    check(spec, "/ogc/collections/{collectionId}", "get", call(url, "GET", "/ogc/collections/parcels"))
    page = check(spec, "/ogc/collections/{collectionId}/items", "get", call(url, "GET", "/ogc/collections/unit_grids/items", limit="2"))
    check(spec, "/ogc/collections/{collectionId}/items/{featureId}", "get",
          call(url, "GET", f"/ogc/collections/unit_grids/items/{page['features'][0]['id']}"))
    check(spec, "/ogc/collections/{collectionId}/items/{featureId}", "get", call(url, "GET", "/ogc/collections/unit_grids/items/999999"))
    case = {"id": "OAS-1", "lon": p.x, "lat": p.y}
    check(spec, "/api/cases", "post", call(url, "POST", "/api/cases", case))                     # no token: 401
    check(spec, "/api/cases", "post", call(url, "POST", "/api/cases", case, token=TOKEN))        # 201
    check(spec, "/api/cases", "post", call(url, "POST", "/api/cases", case, token=TOKEN))        # 200
    check(spec, "/api/cases", "post", call(url, "POST", "/api/cases", {"lon": 1}, token=TOKEN))  # 422
    check(spec, "/api/cases/{id}/dispatch", "post", call(url, "POST", "/api/cases/OAS-1/dispatch", token=TOKEN))
    check(spec, "/api/cases/{id}/transitions", "post",
          call(url, "POST", "/api/cases/OAS-1/transitions", {"to": "closed", "actor": "centre"}, token=TOKEN))
    check(spec, "/api/cases/{id}/transitions", "post",
          call(url, "POST", "/api/cases/NONE/transitions", {"to": "closed", "actor": "centre"}, token=TOKEN))
    # A handover over HTTP: a new primary for the unit from a day, then the duty ended.
    handover = check(spec, "/api/duties", "post",
                     call(url, "POST", "/api/duties", {"person": "G1", "grid": codes[0], "role": "主责", "from": "2024-08-01"}, token=TOKEN))
    assert handover["ended"]                        # G0's primary duty in that unit ended on 2024-08-01
    check(spec, "/api/duties", "post", call(url, "POST", "/api/duties", {"person": "G1", "grid": codes[0], "role": "boss", "from": "2024-08-01"},
                                            token=TOKEN))
    ended = check(spec, "/api/duties/end", "post",
                  call(url, "POST", "/api/duties/end", {"person": "G1", "grid": codes[0], "on": "2024-09-01"}, token=TOKEN))
    assert ended["ended"] == 1
    chain = call(url, "GET", f"/api/grids/{codes[0]}", at="2024-08-15")[2]["chain"]
    assert [p["id"] for p in chain[0]["people"]] == ["G1"]
    grid = check(spec, "/api/grids/{code}", "get", call(url, "GET", f"/api/grids/{codes[0]}", at="2024-07-01"))
    assert [link["code"] for link in grid["chain"]][0] == codes[0] and grid["chain"][-1]["level"] == "street"
    check(spec, "/api/grids/{code}", "get", call(url, "GET", "/api/grids/NOPE"))
    near = check(spec, "/api/cases", "get", call(url, "GET", "/api/cases", near=f"{p.x!r},{p.y!r}", nearest="1"))
    assert [f["properties"]["id"] for f in near["features"]] == ["OAS-1"]
    check(spec, "/api/cases", "get", call(url, "GET", "/api/cases", near="east"))
    check(spec, "/api/stats", "get", call(url, "GET", "/api/stats", level="street"))
    check(spec, "/openapi.json", "get", call(url, "GET", "/openapi.json"))


def test_every_route_of_the_server_is_in_the_document(served):
    _, spec, _ = served
    source = "".join(p.read_text() for p in (ROOT / "Sources" / "Server").glob("*.swift"))
    routes = {re.sub(r":(\w+)", lambda m: "{" + {"id": "collectionId" if "collections" in m.string else "id", "fid": "featureId", "code": "code"}.get(m.group(1), m.group(1)) + "}", r)
              for r in re.findall(r'router\.(?:get|post)\("([^"]+)"', source)}
    routes -= {"/", "/favicon.ico"}                 # the web map page and its icon
    routes = {r for r in routes if not r.startswith("/assets")}
    assert routes <= set(spec["paths"]), routes - set(spec["paths"])
