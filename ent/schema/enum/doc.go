package enum

// Doc says what a set and each of its members mean, for integrators reading the GraphQL schema:
// the entgql hook of ent/entc.go copies it into the descriptions of the generated enums.
type Doc struct {
	// Set describes the enum type.
	Set string
	// Members describes each value, by value.
	Members map[string]string
}

// Docs describes the sets that the GraphQL schema exposes, keyed by their Go type's name.
func Docs() map[string]Doc {
	return map[string]Doc{
		"Channel": {
			Set: "A customer channel (SPEC §1). A conversation is routed on the channel it arrived on; agents are permitted on channels with a capacity each (R1).",
			Members: map[string]string{
				string(ChannelSMS):       "Text messages to and from a phone number.",
				string(ChannelLiveChat):  "The chat widget of a website or app.",
				string(ChannelWhatsApp):  "WhatsApp messages.",
				string(ChannelFacebook):  "Facebook Messenger.",
				string(ChannelInstagram): "Instagram direct messages.",
				string(ChannelEmail):     "Email.",
			},
		},
		"AgentKind": {
			Set: "Whether an agent is a person or a bot (SPEC §1).",
			Members: map[string]string{
				string(KindHuman):   "A person: signs in with email and password, has a role, holds at most one lock (L2).",
				string(KindVirtual): "A bot: has a vaRole instead of a role, authenticates with an API key, holds the lock exactly while it owns a conversation (L7).",
			},
		},
		"Role": {
			Set: "What a human agent may do in its workspace; each role may do what the ones below it may (CLIENT_USER ranks lowest).",
			Members: map[string]string{
				string(RoleAgent):      "Works conversations: opens, claims, replies, pends, resolves, reassigns and transfers what it owns.",
				string(RoleSupervisor): "Also forces past caps (force), force-releases claims (C8), monitors conversations, reads analytics and workspaceEvents.",
				string(RoleAdmin):      "Also administers the workspace: agents, teams, pools, API keys and settings; may ingest customer messages.",
				string(RoleSuperAdmin): "Also joins any conversation and transfers to a CLIENT_USER (C11).",
				string(RoleClientUser): "A user of the business being served: receives conversations a SUPER_ADMIN hands to it (C11); replies to and changes only the ones it owns, and never claims.",
			},
		},
		"VARole": {
			Set: "A bot's job (SPEC §1, I1, I6).",
			Members: map[string]string{
				string(VARoleInception):  "Greets every new conversation: owns and locks it, state CREATED, until it requests an intervention or a human takes over (I1).",
				string(VARoleDelegation): "Takes a task a human delegates to it (delegateToBot, e.g. payments) and hands the conversation back when done (I6).",
			},
		},
		"Presence": {
			Set: "An agent's availability for routing (SPEC §12).",
			Members: map[string]string{
				string(PresenceOnline):  "Available: routing assigns conversations to it (R3).",
				string(PresenceAway):    "Keeps what it owns and receives nothing new.",
				string(PresenceOffline): "Receives nothing, and nobody can reassign or transfer to it without force.",
			},
		},
		"Status": {
			Set: "A conversation's inbox queue (SPEC §1). Only NEW and PENDING conversations can be locked or change hands (L1).",
			Members: map[string]string{
				string(StatusNew):      "Waiting for an answer; counts against the owner's channel capacity (R2).",
				string(StatusPending):  "Waiting on the customer (pendConversation); counts against capacity only when the workspace's capacityCountsPending is on.",
				string(StatusResolved): "Done (resolveConversation); never locked. A customer writing again reopens it as NEW.",
			},
		},
		"State": {
			Set: "A conversation's lifecycle state (SPEC §6); it moves with participants and timers, each move an event (conversation.state_changed).",
			Members: map[string]string{
				string(StateCreated):      "Created; only the inception bot is in it.",
				string(StateActive):       "At least one human agent participates.",
				string(StateOnHold):       "An agent put it on hold: the customer-inactivity and SLA timers stop until resumed.",
				string(StateCustomerLeft): "Every customer channel session closed, agents still in it, and no wrap-up configured.",
				string(StateWrapUp):       "The customer left, agents are still in it, and the workspace has wrap-up enabled.",
				string(StateInactive):     "All agents left; the customer is still there.",
				string(StateClosing):      "Customer and agents all gone: housekeeping is archiving its activity.",
				string(StateClosed):       "Housekeeping done; read-only. A customer writing again starts a new conversation, linked by history (I7).",
			},
		},
		"SelfAssignment": {
			Set: "Whether agents may give themselves conversations (C10).",
			Members: map[string]string{
				string(SelfAssignmentAllowed):     "Agents claim, reassign and transfer conversations themselves (the default).",
				string(SelfAssignmentRoutingOnly): "Agents cannot claim or pick an agent (FORBIDDEN); only routing, supervisors and admins assign. Agents may still transfer to a team.",
			},
		},
		"AuthorKind": {
			Set: "Who wrote a message.",
			Members: map[string]string{
				string(AuthorCustomer): "The customer, through a channel connector (ingestCustomerMessage).",
				string(AuthorAgent):    "A human agent (sendMessage).",
				string(AuthorBot):      "A bot (sendMessage with a bot's API key).",
				string(AuthorSystem):   "Switchboard itself (reserved: no operation writes such messages yet).",
			},
		},
		"ParticipantKind": {
			Set: "What a conversation participant is (SPEC §6).",
			Members: map[string]string{
				string(ParticipantCustomer): "A customer's channel session.",
				string(ParticipantAgent):    "A human agent: its owner, or a SUPER_ADMIN who joined.",
				string(ParticipantBot):      "A bot.",
			},
		},
		"InterventionStatus": {
			Set: "Where a request for a human stands (I2–I4).",
			Members: map[string]string{
				string(InterventionRequested): "Requested: the conversation waits in the intervention queue for a human (I2).",
				string(InterventionTakenOver): "A human took the conversation over; the bot is paused (I2).",
				string(InterventionCompleted): "The human completed the takeover with a topic and an outcome; the bot owns the conversation again (I4).",
				string(InterventionCancelled): "The takeover was cancelled; the bot owns the conversation again, as before (I3).",
				string(InterventionReturned):  "Returned to the queue, unowned, waiting for another human (I3).",
			},
		},
	}
}
