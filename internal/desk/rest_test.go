package desk_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"switchboard/internal/testapi"
)

// restPost sends a REST request and holds its answer to the OpenAPI document the server serves
// at /v1/openapi.json: the status must be documented for the operation, and the body must match
// the documented schema (SPEC §9).
func restPost(t *testing.T, f *fixture, path, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.S.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	checkOpenAPI(t, f, path, resp.StatusCode, raw)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	return resp.StatusCode, body
}

// openAPIDoc reads the server's OpenAPI document.
func openAPIDoc(t *testing.T, f *fixture) map[string]any {
	t.Helper()
	resp, err := http.Get(f.S.URL + "/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || resp.StatusCode != http.StatusOK || doc["openapi"] != "3.1.0" {
		t.Fatalf("/v1/openapi.json: HTTP %d, %v", resp.StatusCode, err)
	}
	return doc
}

// matchesTemplate reports whether path fits an OpenAPI path template ({name} is one segment).
func matchesTemplate(tmpl, path string) bool {
	ts, ps := strings.Split(tmpl, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		if ts[i] != ps[i] && !(strings.HasPrefix(ts[i], "{") && ps[i] != "") {
			return false
		}
	}
	return true
}

// checkOpenAPI fails unless status and body are what the document says path answers.
func checkOpenAPI(t *testing.T, f *fixture, path string, status int, body []byte) {
	t.Helper()
	doc := openAPIDoc(t, f)
	var op map[string]any
	for tmpl, item := range doc["paths"].(map[string]any) {
		if matchesTemplate(tmpl, path) {
			op, _ = item.(map[string]any)["post"].(map[string]any)
		}
	}
	ref := "#/components/responses/Error" // the answer to an unknown path
	if op != nil {
		r, ok := op["responses"].(map[string]any)[strconv.Itoa(status)].(map[string]any)
		if !ok {
			t.Fatalf("POST %s answered %d, which /v1/openapi.json does not document: %s", path, status, body)
		}
		ref = r["$ref"].(string)
	}
	resp := doc["components"].(map[string]any)["responses"].(map[string]any)[strings.TrimPrefix(ref, "#/components/responses/")].(map[string]any)
	schemaRef := resp["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)["$ref"].(string)
	c := jsonschema.NewCompiler()
	raw, _ := json.Marshal(doc)
	res, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("openapi.json", res); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("openapi.json" + schemaRef)
	if err != nil {
		t.Fatalf("/v1/openapi.json %s: %v", schemaRef, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s answered %d with a body that is not JSON: %s", path, status, body)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("POST %s answered %d with a body /v1/openapi.json does not describe (%s): %v\n%s", path, status, schemaRef, err, body)
	}
}

// SPEC §9 REST: claim and release with an API key; a lost race is 409 with the owner; 401, 403,
// 404 as expected.
func TestRESTClaimAndRelease(t *testing.T) {
	f := newFixture(t)
	anaID := f.agent("Ana", "AGENT", 5).AgentID
	anaKey := f.WS.NewKey(anaID)
	ben := f.agent("Ben", "AGENT", 5)
	c := f.queued("SMS")

	status, body := restPost(t, f, "/v1/conversations/"+c+"/claim", anaKey.Token)
	if status != 200 || body["ownership"] != "CLAIMED_BY_ME" || body["owner"].(map[string]any)["id"] != anaID {
		t.Fatalf("claim: %d %v", status, body)
	}
	status, body = restPost(t, f, "/v1/conversations/"+c+"/claim", ben.Token)
	e, _ := body["error"].(map[string]any)
	if status != http.StatusConflict || e["code"] != "CONFLICT" || e["owner"].(map[string]any)["id"] != anaID {
		t.Fatalf("lost race: %d %v", status, body)
	}
	if status, _ = restPost(t, f, "/v1/conversations/"+c+"/release", ben.Token); status != http.StatusForbidden {
		t.Fatalf("release by another: %d", status)
	}
	if status, body = restPost(t, f, "/v1/conversations/"+c+"/release", anaKey.Token); status != 200 || body["owner"] != nil {
		t.Fatalf("release: %d %v", status, body)
	}
	full := f.WS.NewKey(f.agent("Cyd", "AGENT", 0).AgentID) // C6: no room on any channel
	resolved := f.queued("SMS")
	f.S.DB.Client.Conversation.UpdateOneID(atoi(t, resolved)).SetStatus("RESOLVED").ExecX(testapi.Sys())
	for _, tc := range []struct {
		path, token string
		want        int
	}{
		{"/v1/conversations/" + f.queued("SMS") + "/claim", full.Token, http.StatusConflict},
		{"/v1/conversations/" + resolved + "/claim", anaKey.Token, http.StatusUnprocessableEntity},
		{"/v1/conversations/" + c + "/claim", "", http.StatusUnauthorized},
		{"/v1/conversations/" + c + "/claim", "sbk_forged", http.StatusUnauthorized},
		{"/v1/conversations/99999999999/claim", anaKey.Token, http.StatusNotFound},
		{"/v1/conversations/abc/claim", anaKey.Token, http.StatusBadRequest},
		{"/v1/conversations/" + fixtureOn(t, f.S, "other").queued("SMS") + "/claim", anaKey.Token, http.StatusNotFound},
		{"/v1/nothing", anaKey.Token, http.StatusNotFound},
		// C1: bots do not claim; an integration claims with a human agent's key.
		{"/v1/conversations/" + c + "/claim", f.Conn.Token, http.StatusForbidden},
	} {
		if status, body := restPost(t, f, tc.path, tc.token); status != tc.want {
			t.Errorf("%s: %d %v, want %d", tc.path, status, body, tc.want)
		}
	}
}
