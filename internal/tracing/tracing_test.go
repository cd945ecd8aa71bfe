package tracing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
	"switchboard/internal/tracing"
)

// One claim, traced with an in-memory exporter: the HTTP request's span holds the GraphQL
// mutation's, which holds the resolver's, which holds the database calls (Postgres); the event
// bus's delivery of the claim's event and a routing dispatch have spans of their own. The tree is
// logged (go test -v -run TestClaimIsTraced ./internal/tracing prints a trace as exported).
func TestClaimIsTraced(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	tracing.Use(tp)
	t.Cleanup(func() { tracing.Use(nil); _ = tp.Shutdown(context.Background()) })

	s := testapi.New(t)
	ws := s.NewWorkspace("traced")
	conn := ws.NewKey(ws.NewBot("Connector", "DELEGATION"))
	id := conn.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"channel": "SMS", "customerHandle": "+15550100", "text": "Where is my parcel?"}}).OK(t).Str(t, "ingestCustomerMessage.id")
	ws.Admin.Do(`mutation($in:CreateAgentInput!){createAgent(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"email": "ana@traced.test", "password": testapi.Password, "name": "Ana", "role": "AGENT",
		"channels": []map[string]any{{"channel": "SMS", "capacity": 5}}}}).OK(t)
	ana := s.Login("ana@traced.test", testapi.Password)
	sub := ws.Admin.Subscribe(`subscription{workspaceEvents{type}}`, nil)
	defer sub.Close()
	var ev map[string]any
	exp.Reset()
	ana.Do(`mutation Claim($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": id}).OK(t)
	if !sub.Next(10*time.Second, &ev) {
		t.Fatal("the claim's event did not arrive")
	}
	s.Route(time.Hour).Dispatch(testapi.Sys(), ws.Workspace.ID)

	spans := exp.GetSpans()
	byID := map[trace.SpanID]tracetest.SpanStub{}
	for _, sp := range spans {
		byID[sp.SpanContext.SpanID()] = sp
	}
	find := func(name string) tracetest.SpanStub {
		t.Helper()
		for _, sp := range spans {
			if sp.Name == name {
				return sp
			}
		}
		var names []string
		for _, sp := range spans {
			names = append(names, sp.Name)
		}
		t.Fatalf("no span %q among %q", name, names)
		return tracetest.SpanStub{}
	}
	parentOf := func(sp tracetest.SpanStub) string { return byID[sp.Parent.SpanID()].Name }
	httpSpan := find("POST /query")
	op := find("graphql.mutation Claim")
	res := find("graphql.resolve Mutation.claimConversation")
	if parentOf(op) != httpSpan.Name || parentOf(res) != op.Name {
		t.Fatalf("span tree: %s ← %s ← %s", parentOf(res), parentOf(op), httpSpan.Name)
	}
	if op.SpanContext.TraceID() != httpSpan.SpanContext.TraceID() {
		t.Fatal("the operation is not in the request's trace")
	}
	if testdb.IsPostgres() {
		n := 0
		for _, sp := range spans {
			if sp.Name == "db.query" && sp.SpanContext.TraceID() == httpSpan.SpanContext.TraceID() {
				n++
			}
		}
		if n == 0 {
			t.Fatal("no database call in the claim's trace")
		}
	}
	find("events.deliver")
	find("routing.dispatch")

	var tree strings.Builder
	var walk func(id trace.SpanID, depth int)
	walk = func(id trace.SpanID, depth int) {
		for _, sp := range spans {
			if sp.Parent.SpanID() == id && sp.SpanContext.TraceID() == httpSpan.SpanContext.TraceID() {
				line := strings.Repeat("  ", depth) + sp.Name + " " + sp.EndTime.Sub(sp.StartTime).Round(time.Microsecond).String()
				for _, a := range sp.Attributes {
					if a.Key == "db.query.text" {
						line += "  " + strings.Join(strings.Fields(a.Value.AsString()), " ")[:min(len(strings.Join(strings.Fields(a.Value.AsString()), " ")), 90)]
					}
				}
				tree.WriteString(line + "\n")
				walk(sp.SpanContext.SpanID(), depth+1)
			}
		}
	}
	tree.WriteString(httpSpan.Name + " " + httpSpan.EndTime.Sub(httpSpan.StartTime).Round(time.Microsecond).String() + " trace " + httpSpan.SpanContext.TraceID().String() + "\n")
	walk(httpSpan.SpanContext.SpanID(), 1)
	t.Logf("the claim's trace:\n%s", tree.String())
}

// Log lines written with a request's context carry its request, trace and span ids.
func TestLogLinesCarryIDs(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	tracing.Use(tp)
	t.Cleanup(func() { tracing.Use(nil) })
	var buf bytes.Buffer
	type key struct{}
	log := slog.New(tracing.LogHandler{Handler: slog.NewJSONHandler(&buf, nil), RequestID: func(ctx context.Context) string {
		id, _ := ctx.Value(key{}).(string)
		return id
	}})
	ctx, span := tracing.Start(context.WithValue(context.Background(), key{}, "req-1"), "work")
	log.InfoContext(ctx, "hello")
	span.End()
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line["request_id"] != "req-1" || line["trace_id"] != span.SpanContext().TraceID().String() || line["span_id"] != span.SpanContext().SpanID().String() {
		t.Fatalf("log line %v", line)
	}
}
