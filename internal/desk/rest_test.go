package desk_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

func restPost(t *testing.T, f *fixture, path, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.s.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

// SPEC §9 REST: claim and release with an API key; a lost race is 409 with the owner; 401, 403,
// 404 as expected.
func TestRESTClaimAndRelease(t *testing.T) {
	f := newFixture(t)
	anaID := f.agent("Ana", "AGENT", 5).AgentID
	anaKey := f.ws.NewKey(anaID)
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
	for _, tc := range []struct {
		path, token string
		want        int
	}{
		{"/v1/conversations/" + c + "/claim", "", http.StatusUnauthorized},
		{"/v1/conversations/" + c + "/claim", "sbk_forged", http.StatusUnauthorized},
		{"/v1/conversations/99999999999/claim", anaKey.Token, http.StatusNotFound},
		{"/v1/conversations/abc/claim", anaKey.Token, http.StatusBadRequest},
		{"/v1/conversations/" + fixtureOn(t, f.s, "other").queued("SMS") + "/claim", anaKey.Token, http.StatusNotFound},
		{"/v1/nothing", anaKey.Token, http.StatusNotFound},
	} {
		if status, body := restPost(t, f, tc.path, tc.token); status != tc.want {
			t.Errorf("%s: %d %v, want %d", tc.path, status, body, tc.want)
		}
	}
}
