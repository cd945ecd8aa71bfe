// Package canned owns canned responses: saved replies an agent inserts into the composer by their
// shortcut, shared with the workspace (managed by admins) or personal, and their placeholders.
package canned

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"switchboard/ent"
	"switchboard/ent/cannedresponse"
	"switchboard/ent/conversation"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/fault"
	"switchboard/internal/storage"
)

const (
	// MaxTextLen is the longest text, in characters: what a reply may hold.
	MaxTextLen     = 10000
	maxTitleLen    = 200
	maxShortcutLen = 50
)

// Placeholder is a token a text may hold and what it becomes.
type Placeholder struct{ Token, Description string }

// Placeholders are the tokens Render fills in.
var Placeholders = []Placeholder{
	{"{{customer.name}}", "The customer's name as their channel gave it"},
	{"{{customer.firstName}}", "The first word of the customer's name"},
	{"{{agent.name}}", "The name of the agent inserting it"},
	{"{{agent.firstName}}", "The first word of that agent's name"},
	{"{{workspace.name}}", "The workspace's name"},
}

var (
	shortcutPattern = regexp.MustCompile(`^[a-z0-9_-]+$`)
	tokenPattern    = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)
)

// Service manages canned responses.
type Service struct{ client *ent.Client }

// New returns the service over client.
func New(client *ent.Client) *Service { return &Service{client: client} }

// Input is what creates or changes a canned response (nil: unchanged).
type Input struct {
	Shortcut, Title, Text *string
	Shared                bool
}

// List returns the canned responses the viewer may insert: the workspace's shared ones and its
// own, by shortcut (its own first when both have one), those whose shortcut or title contains
// text when it is given.
func (s *Service) List(ctx context.Context, text *string) ([]*ent.CannedResponse, error) {
	v, err := auth.Member(ctx)
	if err != nil {
		return nil, err
	}
	q := s.client.CannedResponse.Query().Where(cannedresponse.Or(cannedresponse.Shared(true), cannedresponse.OwnerID(v.AgentID)))
	if text != nil && strings.TrimSpace(*text) != "" {
		t := strings.TrimSpace(*text)
		q.Where(cannedresponse.Or(cannedresponse.ShortcutContainsFold(t), cannedresponse.TitleContainsFold(t)))
	}
	out, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("canned responses: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Shortcut != out[j].Shortcut {
			return out[i].Shortcut < out[j].Shortcut
		}
		return !out[i].Shared && out[j].Shared
	})
	return out, nil
}

// Create saves a canned response: the viewer's own, or shared (admins).
func (s *Service) Create(ctx context.Context, in Input) (*ent.CannedResponse, error) {
	v, err := auth.Member(ctx)
	if err != nil {
		return nil, err
	}
	if in.Shared && !v.Role.AtLeast(enum.RoleAdmin) {
		return nil, fault.Denied("manage the workspace's shared canned responses")
	}
	if in.Shortcut == nil || in.Title == nil || in.Text == nil {
		return nil, fault.Invalid("input", "shortcut, title and text are required")
	}
	shortcut, title, text, err := valid(*in.Shortcut, *in.Title, *in.Text)
	if err != nil {
		return nil, err
	}
	cr, err := s.client.CannedResponse.Create().SetWorkspaceID(v.WorkspaceID).SetOwnerID(v.AgentID).SetShared(in.Shared).
		SetShortcut(shortcut).SetTitle(title).SetText(text).Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, taken(shortcut)
	}
	if err != nil {
		return nil, fmt.Errorf("create canned response: %w", err)
	}
	return cr, nil
}

// Update changes what in gives of a canned response the viewer may manage.
func (s *Service) Update(ctx context.Context, id int, in Input) (*ent.CannedResponse, error) {
	var out *ent.CannedResponse
	err := storage.InTx(ctx, s.client, func(tx *ent.Tx) error {
		cr, err := manageable(ctx, tx.Client(), id)
		if err != nil {
			return err
		}
		shortcut, title, text, err := valid(or(in.Shortcut, cr.Shortcut), or(in.Title, cr.Title), or(in.Text, cr.Text))
		if err != nil {
			return err
		}
		out, err = tx.CannedResponse.UpdateOne(cr).SetShortcut(shortcut).SetTitle(title).SetText(text).Save(ctx)
		if ent.IsConstraintError(err) {
			return taken(shortcut)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}

// Delete removes a canned response the viewer may manage.
func (s *Service) Delete(ctx context.Context, id int) error {
	return storage.InTx(ctx, s.client, func(tx *ent.Tx) error {
		cr, err := manageable(ctx, tx.Client(), id)
		if err != nil {
			return err
		}
		return tx.CannedResponse.DeleteOne(cr).Exec(ctx)
	})
}

// Render fills the placeholders of cr's text in for a conversation of the viewer's workspace.
func (s *Service) Render(ctx context.Context, cr *ent.CannedResponse, conversationID int) (string, error) {
	v, err := auth.Member(ctx)
	if err != nil {
		return "", err
	}
	conv, err := s.client.Conversation.Query().Where(conversation.ID(conversationID)).WithCustomer().Only(ctx)
	if ent.IsNotFound(err) {
		return "", fault.Missing("conversation")
	} else if err != nil {
		return "", fmt.Errorf("render canned response: %w", err)
	}
	ws, err := s.client.Workspace.Get(ctx, v.WorkspaceID)
	if err != nil {
		return "", fmt.Errorf("render canned response: %w", err)
	}
	values := map[string]string{
		"customer.name": conv.Edges.Customer.Name, "customer.firstName": firstWord(conv.Edges.Customer.Name),
		"agent.name": v.Name, "agent.firstName": firstWord(v.Name), "workspace.name": ws.Name,
	}
	return tokenPattern.ReplaceAllStringFunc(cr.Text, func(tok string) string {
		return values[tokenPattern.FindStringSubmatch(tok)[1]]
	}), nil
}

// manageable returns canned response id if the viewer may change it: its own, or a shared one
// (admins). Another agent's personal one does not exist for the viewer.
func manageable(ctx context.Context, client *ent.Client, id int) (*ent.CannedResponse, error) {
	v, err := auth.Member(ctx)
	if err != nil {
		return nil, err
	}
	cr, err := client.CannedResponse.Get(ctx, id)
	if ent.IsNotFound(err) || (err == nil && !cr.Shared && cr.OwnerID != v.AgentID) {
		return nil, fault.Missing("canned response")
	} else if err != nil {
		return nil, fmt.Errorf("canned response: %w", err)
	}
	if cr.Shared && !v.Role.AtLeast(enum.RoleAdmin) {
		return nil, fault.Denied("manage the workspace's shared canned responses")
	}
	return cr, nil
}

// valid checks and tidies a canned response's fields.
func valid(shortcut, title, text string) (string, string, string, error) {
	shortcut = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(shortcut), "#"))
	if shortcut == "" || len(shortcut) > maxShortcutLen || !shortcutPattern.MatchString(shortcut) {
		return "", "", "", fault.Invalid("shortcut", "use 1 to %d lower-case letters, digits, - or _", maxShortcutLen)
	}
	title = strings.TrimSpace(title)
	if title == "" || utf8.RuneCountInString(title) > maxTitleLen {
		return "", "", "", fault.Invalid("title", "must be 1 to %d characters", maxTitleLen).With("maxLength", maxTitleLen)
	}
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n == 0 || n > MaxTextLen {
		return "", "", "", fault.Invalid("text", "must be 1 to %d characters (it has %d)", MaxTextLen, n).With("maxLength", MaxTextLen)
	}
	for _, m := range tokenPattern.FindAllStringSubmatch(text, -1) {
		if !known(m[1]) {
			return "", "", "", fault.Invalid("text", "unknown placeholder %s: use one of %s", m[0], tokens())
		}
	}
	return shortcut, title, text, nil
}

func known(name string) bool {
	for _, p := range Placeholders {
		if p.Token == "{{"+name+"}}" {
			return true
		}
	}
	return false
}

func tokens() string {
	out := make([]string, len(Placeholders))
	for i, p := range Placeholders {
		out[i] = p.Token
	}
	return strings.Join(out, ", ")
}

func taken(shortcut string) error {
	return fault.New(fault.Conflict, "the shortcut #%s is already taken: choose another", shortcut).With("field", "shortcut")
}

func or(p *string, def string) string {
	if p != nil {
		return *p
	}
	return def
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}
