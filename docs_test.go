package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// ruleLine is a rule's definition in docs/rules.md: a list item led by its id in bold.
var ruleLine = regexp.MustCompile(`(?m)^\s*-\s+\*\*([A-Z][0-9]+)\*\*`)

// ownerRow is a row of docs/architecture.md's "Rule → owning file" table: | id | `file` | … |
var ownerRow = regexp.MustCompile("^\\|\\s*([A-Z][0-9]+)\\s*\\|\\s*`?([^`|]+?)`?\\s*\\|")

// TestRulesHaveOneOwner holds docs/architecture.md's table to docs/rules.md: every rule has
// exactly one row, every row names a rule, and the named file exists and cites the rule's id.
func TestRulesHaveOneOwner(t *testing.T) {
	rulesDoc, err := os.ReadFile("docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	defined := map[string]bool{}
	for _, m := range ruleLine.FindAllStringSubmatch(string(rulesDoc), -1) {
		if defined[m[1]] {
			t.Errorf("docs/rules.md defines %s twice", m[1])
		}
		defined[m[1]] = true
		rules = append(rules, m[1])
	}
	if len(rules) == 0 {
		t.Fatal("docs/rules.md: no rules found (expected list items led by **<id>**)")
	}

	arch, err := os.ReadFile("docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string][]string{}
	inTable := false
	for _, line := range strings.Split(string(arch), "\n") {
		if strings.HasPrefix(line, "#") {
			inTable = strings.Contains(line, "Rule → owning file")
			continue
		}
		if !inTable {
			continue
		}
		if m := ownerRow.FindStringSubmatch(line); m != nil {
			owners[m[1]] = append(owners[m[1]], strings.TrimSpace(m[2]))
		}
	}
	if len(owners) == 0 {
		t.Fatal(`docs/architecture.md: no rows found under the heading "Rule → owning file"`)
	}

	for id := range owners {
		if !defined[id] {
			t.Errorf("docs/architecture.md has a row for %s, which docs/rules.md does not define", id)
		}
	}
	for _, id := range rules {
		files := owners[id]
		switch {
		case len(files) == 0:
			t.Errorf("%s: no row in docs/architecture.md's Rule → owning file table", id)
			continue
		case len(files) > 1:
			t.Errorf("%s: %d rows in docs/architecture.md (%s); a rule has one owner", id, len(files), strings.Join(files, ", "))
			continue
		}
		src, err := os.ReadFile(files[0])
		if err != nil {
			t.Errorf("%s: its owner %s: %v", id, files[0], err)
			continue
		}
		if !regexp.MustCompile(`\b` + id + `\b`).Match(src) {
			t.Errorf("%s: its owner %s does not mention %s", id, files[0], id)
		}
	}
}
