package events_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"switchboard/ent"
	"switchboard/internal/events"
)

// Every event type the package declares is classified (moves ownership or not), so the live
// queues' safe default is only for a type added without being listed.
func TestEveryTypeIsKnown(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	known := events.KnownTypes()
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			ast.Inspect(g, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				v, _ := strconv.Unquote(lit.Value)
				if parts := strings.Split(v, "."); len(parts) == 2 && parts[0] != "" && parts[1] != "" && strings.ToLower(v) == v && !strings.ContainsAny(v, " %/") {
					if !slices.Contains(known, v) {
						t.Errorf("event type %q is not in knownTypes (internal/events/moves.go)", v)
					}
				}
				return true
			})
		}
	}
}

// A type nobody classified moves ownership when it names an owner (the live queues re-read
// membership), and not otherwise; the classified ones are as listed.
func TestMovesOwnershipDefaultsToTheSafeSide(t *testing.T) {
	for _, c := range []struct {
		e    ent.Event
		want bool
	}{
		{ent.Event{Type: events.ConversationClaimed}, true},
		{ent.Event{Type: events.ConversationResolved, After: map[string]any{"owner": 7}}, false},
		{ent.Event{Type: "conversation.teleported", After: map[string]any{"owner": 7}}, true},
		{ent.Event{Type: "conversation.teleported", Before: map[string]any{"owner": 7}}, true},
		{ent.Event{Type: "conversation.teleported", After: map[string]any{"status": "NEW"}}, false},
	} {
		if got := events.MovesOwnership(&c.e); got != c.want {
			t.Errorf("%s %v → %v: moves ownership %v, want %v", c.e.Type, c.e.Before, c.e.After, got, c.want)
		}
	}
}
