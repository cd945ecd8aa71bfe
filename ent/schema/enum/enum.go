// Package enum holds the closed sets of values shared by the data model, the GraphQL API and the
// domain (SPEC §1): one Go type per set, so a Channel is the same type on a conversation, a message
// and an agent's channel permission.
package enum

import (
	"io"
	"slices"
	"strconv"
	"strings"

	"switchboard/internal/fault"
)

// Channel is a customer channel (SPEC §1; extensible).
type Channel string

// Channels.
const (
	ChannelSMS       Channel = "SMS"
	ChannelLiveChat  Channel = "LIVE_CHAT"
	ChannelWhatsApp  Channel = "WHATSAPP"
	ChannelFacebook  Channel = "FACEBOOK"
	ChannelInstagram Channel = "INSTAGRAM"
	ChannelEmail     Channel = "EMAIL"
)

// AgentKind tells humans from bots.
type AgentKind string

// Agent kinds.
const (
	KindHuman   AgentKind = "HUMAN"
	KindVirtual AgentKind = "VIRTUAL"
)

// Role is what a human may do in a workspace.
type Role string

// Roles, from least to most powerful (CLIENT_USER is a user of the business being served).
const (
	RoleClientUser Role = "CLIENT_USER"
	RoleAgent      Role = "AGENT"
	RoleSupervisor Role = "SUPERVISOR"
	RoleAdmin      Role = "ADMIN"
	RoleSuperAdmin Role = "SUPER_ADMIN"
)

// VARole is a virtual agent's job (I1, I6).
type VARole string

// Virtual agent roles.
const (
	VARoleInception  VARole = "INCEPTION"
	VARoleDelegation VARole = "DELEGATION"
)

// Presence is an agent's availability (SPEC §12: OFFLINE gets nothing, AWAY nothing new).
type Presence string

// Presences.
const (
	PresenceOnline  Presence = "ONLINE"
	PresenceAway    Presence = "AWAY"
	PresenceOffline Presence = "OFFLINE"
)

// Status is the inbox queue a conversation is in.
type Status string

// Statuses.
const (
	StatusNew      Status = "NEW"
	StatusPending  Status = "PENDING"
	StatusResolved Status = "RESOLVED"
)

// State is the lifecycle state of a conversation (SPEC §6).
type State string

// States.
const (
	StateCreated      State = "CREATED"
	StateActive       State = "ACTIVE"
	StateOnHold       State = "ON_HOLD"
	StateCustomerLeft State = "CUSTOMER_LEFT"
	StateWrapUp       State = "WRAP_UP"
	StateInactive     State = "INACTIVE"
	StateClosing      State = "CLOSING"
	StateClosed       State = "CLOSED"
)

// SelfAssignment is the workspace's claim policy (C10).
type SelfAssignment string

// Self-assignment policies.
const (
	SelfAssignmentAllowed     SelfAssignment = "ALLOWED"
	SelfAssignmentRoutingOnly SelfAssignment = "ROUTING_ONLY"
)

// AuthorKind says who wrote a message.
type AuthorKind string

// Message authors.
const (
	AuthorCustomer AuthorKind = "CUSTOMER"
	AuthorAgent    AuthorKind = "AGENT"
	AuthorBot      AuthorKind = "BOT"
	AuthorSystem   AuthorKind = "SYSTEM"
)

// ParticipantKind says what a conversation participant is (SPEC §6).
type ParticipantKind string

// Participant kinds.
const (
	ParticipantCustomer ParticipantKind = "CUSTOMER"
	ParticipantAgent    ParticipantKind = "AGENT"
	ParticipantBot      ParticipantKind = "BOT"
)

// InterventionStatus is where a bot's request for a human stands (I2–I4).
type InterventionStatus string

// Intervention statuses.
const (
	InterventionRequested InterventionStatus = "REQUESTED"
	InterventionTakenOver InterventionStatus = "TAKEN_OVER"
	InterventionCompleted InterventionStatus = "COMPLETED"
	InterventionCancelled InterventionStatus = "CANCELLED"
	InterventionReturned  InterventionStatus = "RETURNED"
)

// InterventionWaiting are the statuses of an intervention waiting for a human (I2, I3).
var InterventionWaiting = []InterventionStatus{InterventionRequested, InterventionReturned}

// TimerKind names a durable timer (SPEC §6, C8, L6, E6).
type TimerKind string

// Timer kinds.
const (
	TimerCustomerInactivity TimerKind = "CUSTOMER_INACTIVITY"
	TimerSLAFirstResponse   TimerKind = "SLA_FIRST_RESPONSE"
	TimerStaleClaim         TimerKind = "STALE_CLAIM"
	TimerAutoRelease        TimerKind = "AUTO_RELEASE"
	TimerLockLease          TimerKind = "LOCK_LEASE"
	TimerHousekeeping       TimerKind = "HOUSEKEEPING"
	TimerAuditPurge         TimerKind = "AUDIT_PURGE"
)

// TimerStatus is a durable timer's progress.
type TimerStatus string

// Timer statuses.
const (
	TimerPending   TimerStatus = "PENDING"
	TimerPaused    TimerStatus = "PAUSED"
	TimerFired     TimerStatus = "FIRED"
	TimerCancelled TimerStatus = "CANCELLED"
)

// Values lists, for ent and GraphQL, the members of each set.
func (Channel) Values() []string {
	return strs(ChannelSMS, ChannelLiveChat, ChannelWhatsApp, ChannelFacebook, ChannelInstagram, ChannelEmail)
}

// Values implements ent's EnumValues.
func (AgentKind) Values() []string { return strs(KindHuman, KindVirtual) }

// Values implements ent's EnumValues.
func (Role) Values() []string {
	return strs(RoleAgent, RoleSupervisor, RoleAdmin, RoleSuperAdmin, RoleClientUser)
}

// Values implements ent's EnumValues.
func (VARole) Values() []string { return strs(VARoleInception, VARoleDelegation) }

// Values implements ent's EnumValues.
func (Presence) Values() []string { return strs(PresenceOnline, PresenceAway, PresenceOffline) }

// Values implements ent's EnumValues.
func (Status) Values() []string { return strs(StatusNew, StatusPending, StatusResolved) }

// Values implements ent's EnumValues.
func (State) Values() []string {
	return strs(StateCreated, StateActive, StateOnHold, StateCustomerLeft, StateWrapUp, StateInactive, StateClosing, StateClosed)
}

// Values implements ent's EnumValues.
func (SelfAssignment) Values() []string {
	return strs(SelfAssignmentAllowed, SelfAssignmentRoutingOnly)
}

// Values implements ent's EnumValues.
func (AuthorKind) Values() []string {
	return strs(AuthorCustomer, AuthorAgent, AuthorBot, AuthorSystem)
}

// Values implements ent's EnumValues.
func (ParticipantKind) Values() []string {
	return strs(ParticipantCustomer, ParticipantAgent, ParticipantBot)
}

// Values implements ent's EnumValues.
func (InterventionStatus) Values() []string {
	return strs(InterventionRequested, InterventionTakenOver, InterventionCompleted, InterventionCancelled, InterventionReturned)
}

// Values implements ent's EnumValues.
func (TimerKind) Values() []string {
	return strs(TimerCustomerInactivity, TimerSLAFirstResponse, TimerStaleClaim, TimerAutoRelease, TimerLockLease, TimerHousekeeping, TimerAuditPurge)
}

// Values implements ent's EnumValues.
func (TimerStatus) Values() []string {
	return strs(TimerPending, TimerPaused, TimerFired, TimerCancelled)
}

// AtLeast reports whether r is r2 or more powerful (CLIENT_USER ranks lowest).
func (r Role) AtLeast(r2 Role) bool { return rank(r) >= rank(r2) }

func rank(r Role) int {
	return slices.Index([]Role{RoleClientUser, RoleAgent, RoleSupervisor, RoleAdmin, RoleSuperAdmin}, r)
}

func strs[T ~string](vs ...T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// unmarshal parses a GraphQL enum value into T, rejecting anything outside the set as
// BAD_USER_INPUT (SPEC §9): gqlparser lets some through to here (a member's name in another case).
func unmarshal[T interface {
	~string
	Values() []string
}](dst *T, v any) error {
	s, ok := v.(string)
	if !ok {
		return fault.New(fault.BadUserInput, "an enum value must be a string, not %T: one of %s", v, strings.Join((*dst).Values(), ", "))
	}
	if !slices.Contains((*dst).Values(), s) {
		return fault.New(fault.BadUserInput, "%q is not one of %s (enum values are case-sensitive)", s, strings.Join((*dst).Values(), ", "))
	}
	*dst = T(s)
	return nil
}

func marshal[T ~string](v T, w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(v))) }

// GraphQL marshalling (gqlgen binds the schema's enums to these types).

func (e Channel) MarshalGQL(w io.Writer)               { marshal(e, w) }
func (e *Channel) UnmarshalGQL(v any) error            { return unmarshal(e, v) }
func (e AgentKind) MarshalGQL(w io.Writer)             { marshal(e, w) }
func (e *AgentKind) UnmarshalGQL(v any) error          { return unmarshal(e, v) }
func (e Role) MarshalGQL(w io.Writer)                  { marshal(e, w) }
func (e *Role) UnmarshalGQL(v any) error               { return unmarshal(e, v) }
func (e VARole) MarshalGQL(w io.Writer)                { marshal(e, w) }
func (e *VARole) UnmarshalGQL(v any) error             { return unmarshal(e, v) }
func (e Presence) MarshalGQL(w io.Writer)              { marshal(e, w) }
func (e *Presence) UnmarshalGQL(v any) error           { return unmarshal(e, v) }
func (e Status) MarshalGQL(w io.Writer)                { marshal(e, w) }
func (e *Status) UnmarshalGQL(v any) error             { return unmarshal(e, v) }
func (e State) MarshalGQL(w io.Writer)                 { marshal(e, w) }
func (e *State) UnmarshalGQL(v any) error              { return unmarshal(e, v) }
func (e SelfAssignment) MarshalGQL(w io.Writer)        { marshal(e, w) }
func (e *SelfAssignment) UnmarshalGQL(v any) error     { return unmarshal(e, v) }
func (e AuthorKind) MarshalGQL(w io.Writer)            { marshal(e, w) }
func (e *AuthorKind) UnmarshalGQL(v any) error         { return unmarshal(e, v) }
func (e ParticipantKind) MarshalGQL(w io.Writer)       { marshal(e, w) }
func (e *ParticipantKind) UnmarshalGQL(v any) error    { return unmarshal(e, v) }
func (e InterventionStatus) MarshalGQL(w io.Writer)    { marshal(e, w) }
func (e *InterventionStatus) UnmarshalGQL(v any) error { return unmarshal(e, v) }
func (e TimerKind) MarshalGQL(w io.Writer)             { marshal(e, w) }
func (e *TimerKind) UnmarshalGQL(v any) error          { return unmarshal(e, v) }
func (e TimerStatus) MarshalGQL(w io.Writer)           { marshal(e, w) }
func (e *TimerStatus) UnmarshalGQL(v any) error        { return unmarshal(e, v) }
