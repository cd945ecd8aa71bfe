import { graphql } from '../gql';

// Every operation the workspace sends, in one place, so that codegen types them all.

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      token
      expiresAt
      agent {
        id
        name
      }
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

export const ViewerFieldsFragment = graphql(`
  fragment ViewerFields on Agent {
    id
    name
    email
    role
    kind
    presence
    workspace {
      id
      name
    }
    channels {
      id
      channel
    }
  }
`);

export const MeQuery = graphql(`
  query Me {
    me {
      ...ViewerFields
    }
  }
`);

export const InboxConversationFragment = graphql(`
  fragment InboxConversation on Conversation {
    id
    status
    state
    channel
    priority
    version
    tags
    preview
    lastMessageAt
    createdAt
    customer {
      id
      name
    }
    owner {
      id
      name
      kind
    }
  }
`);

// ---------------------------------------------------------------------------------------------
// The agent workspace: queues, one conversation, the desk's mutations and the live feeds.

/** What a queue row shows: InboxConversation plus the lock (badges) and the viewer's ownership. */
export const QueueConversationFragment = graphql(`
  fragment QueueConversation on Conversation {
    ...InboxConversation
    queuedSince
    unread
    firstResponseDueAt
    ownership
    viewerCanReply
    queuePosition {
      position
      expectedWaitSeconds
    }
    intervention {
      id
      status
      summary
      createdAt
      takenOverBy {
        id
        name
      }
    }
    lock {
      acquiredAt
      holder {
        id
        name
        kind
      }
    }
  }
`);

export const QueueQuery = graphql(`
  query Queue($first: Int!, $where: ConversationWhereInput) {
    conversations(first: $first, where: $where, orderBy: { field: LAST_MESSAGE_AT, direction: DESC }) {
      totalCount
      edges {
        node {
          ...QueueConversation
        }
      }
    }
  }
`);

/** The conversation screen: the row's fields, the thread, notes and who the customer is. */
export const ConversationDetailFragment = graphql(`
  fragment ConversationDetail on Conversation {
    ...QueueConversation
    requiredSkills
    requiredLanguage
    claimedAt
    stale
    botPaused
    lastCustomerMessageAt
    resolvedAt
    closedAt
    requiredTeam {
      id
      name
    }
    customer {
      id
      name
      createdAt
      identities {
        id
        channel
        handle
      }
    }
    owner {
      id
      name
      kind
    }
    messages(last: 100) {
      totalCount
      edges {
        node {
          id
          createdAt
          authorKind
          authorName
          channel
          text
        }
      }
    }
    notes {
      id
      createdAt
      text
      author {
        id
        name
      }
    }
    interventions {
      id
      createdAt
      status
      summary
      topic
      outcome
      completedAt
      takenOverBy {
        id
        name
      }
    }
    history(first: 20) {
      id
      channel
      status
      state
      createdAt
      lastMessageAt
      preview
    }
  }
`);

export const ConversationQuery = graphql(`
  query Conversation($id: ID!) {
    node(id: $id) {
      ... on Conversation {
        ...ConversationDetail
      }
    }
  }
`);

export const OpenConversationMutation = graphql(`
  mutation OpenConversation($id: ID!) {
    openConversation(id: $id) {
      ...ConversationDetail
      ...ConversationViewers
    }
  }
`);

/** Who has a conversation open now (SPEC §12): the presence line of the conversation view. */
export const ConversationViewersFragment = graphql(`
  fragment ConversationViewers on Conversation {
    id
    viewers {
      openedAt
      monitoring
      agent {
        id
        name
      }
    }
  }
`);

/** The viewers alone, read again when viewer.joined / viewer.left arrive (cheaper than the whole view). */
export const ConversationViewersOnlyQuery = graphql(`
  query ConversationViewersOnly($id: ID!) {
    node(id: $id) {
      ... on Conversation {
        ...ConversationViewers
      }
    }
  }
`);

/**
 * Supervisors and above: open a conversation to watch it without taking its lock (the server
 * answers FORBIDDEN to anyone else). Like OpenConversation, it answers with the viewers too.
 */
export const MonitorConversationMutation = graphql(`
  mutation MonitorConversation($id: ID!) {
    monitorConversation(id: $id) {
      ...ConversationDetail
      ...ConversationViewers
    }
  }
`);

export const CloseConversationMutation = graphql(`
  mutation CloseConversation($id: ID!) {
    closeConversation(id: $id) {
      ...QueueConversation
    }
  }
`);

export const StealLockMutation = graphql(`
  mutation StealLock($id: ID!) {
    stealLock(id: $id) {
      ...ConversationDetail
    }
  }
`);

export const ClaimConversationMutation = graphql(`
  mutation ClaimConversation($id: ID!) {
    claimConversation(id: $id) {
      ...ConversationDetail
    }
  }
`);

export const ReleaseConversationMutation = graphql(`
  mutation ReleaseConversation($id: ID!) {
    releaseConversation(id: $id) {
      ...ConversationDetail
    }
  }
`);

export const ReassignConversationMutation = graphql(`
  mutation ReassignConversation($id: ID!, $agentId: ID!, $note: String) {
    reassignConversation(id: $id, agentId: $agentId, note: $note) {
      ...ConversationDetail
    }
  }
`);

export const BulkClaimMutation = graphql(`
  mutation BulkClaim($ids: [ID!]!) {
    bulkClaimConversations(ids: $ids) {
      conversationId
      conversation {
        ...QueueConversation
      }
      error {
        code
        message
      }
    }
  }
`);

export const SendMessageMutation = graphql(`
  mutation SendMessage($conversationId: ID!, $text: String!, $expectedVersion: Int) {
    sendMessage(conversationId: $conversationId, text: $text, expectedVersion: $expectedVersion) {
      id
      createdAt
      authorKind
      authorName
      channel
      text
    }
  }
`);

export const AddNoteMutation = graphql(`
  mutation AddNote($conversationId: ID!, $text: String!) {
    addNote(conversationId: $conversationId, text: $text) {
      id
      createdAt
      text
      author {
        id
        name
      }
    }
  }
`);

export const PendConversationMutation = graphql(`
  mutation PendConversation($id: ID!) {
    pendConversation(id: $id) {
      ...ConversationDetail
    }
  }
`);

export const ResolveConversationMutation = graphql(`
  mutation ResolveConversation($id: ID!) {
    resolveConversation(id: $id) {
      ...ConversationDetail
    }
  }
`);

export const SetPresenceMutation = graphql(`
  mutation SetPresence($presence: Presence!) {
    setPresence(presence: $presence) {
      id
      presence
    }
  }
`);

// Interventions (SPEC §5 I2–I4): a human takes a conversation from the bot and hands it back.

export const TakeOverConversationMutation = graphql(`
  mutation TakeOverConversation($id: ID!) {
    takeOverConversation(id: $id) {
      ...ConversationDetail
    }
  }
`);

export const CancelTakeoverMutation = graphql(`
  mutation CancelTakeover($id: ID!) {
    cancelTakeover(id: $id) {
      ...ConversationDetail
    }
  }
`);

export const ReturnToQueueMutation = graphql(`
  mutation ReturnToQueue($id: ID!) {
    returnToQueue(id: $id) {
      ...ConversationDetail
    }
  }
`);

export const CompleteTakeoverMutation = graphql(`
  mutation CompleteTakeover($id: ID!, $input: CompleteTakeoverInput!) {
    completeTakeover(id: $id, input: $input) {
      ...ConversationDetail
    }
  }
`);

/** C11: to an agent (a hand-over like reassign) or to a team (back to the queue, team required). */
export const TransferConversationMutation = graphql(`
  mutation TransferConversation($id: ID!, $agentId: ID, $teamId: ID, $note: String) {
    transferConversation(id: $id, agentId: $agentId, teamId: $teamId, note: $note) {
      ...ConversationDetail
    }
  }
`);

/**
 * A person a conversation can be handed to (reassign, transfer): who they are, their presence and
 * the channels they may work with their capacity there (R1), to list only those eligible.
 */
export const HandoverAgentFragment = graphql(`
  fragment HandoverAgent on Agent {
    id
    name
    role
    kind
    presence
    channels {
      id
      channel
      capacity
    }
    load {
      channel
      count
      capacity
    }
  }
`);

/** Where a conversation can be transferred: active humans (client users only for a SUPER_ADMIN) and teams. */
export const TransferTargetsQuery = graphql(`
  query TransferTargets {
    agents(first: 100, where: { kind: HUMAN, active: true }, orderBy: { field: NAME }) {
      edges {
        node {
          ...HandoverAgent
        }
      }
    }
    teams {
      id
      name
    }
  }
`);

/**
 * Queue places only (SPEC §12): other conversations moving changes a row's place without an event
 * of its own, so the inbox reads them again (cheaply) after the queue changes.
 */
/**
 * The workspace's event cursor now: read before a screen's query, then its feed subscribes with
 * `after:` it, so that nothing between the query and the subscription is missed (E3).
 */
export const EventCursorQuery = graphql(`
  query EventCursor {
    eventCursor
  }
`);

/** My Queue (SPEC §9): the viewer's open NEW and PENDING conversations, the set the myQueue feed follows. */
export const MyQueueQuery = graphql(`
  query MyQueue($first: Int!) {
    myQueue(first: $first) {
      totalCount
      edges {
        node {
          ...QueueConversation
        }
      }
    }
  }
`);

export const QueuePlacesQuery = graphql(`
  query QueuePlaces($first: Int!, $where: ConversationWhereInput) {
    conversations(first: $first, where: $where, orderBy: { field: LAST_MESSAGE_AT, direction: DESC }) {
      edges {
        node {
          id
          version
          queuePosition {
            position
            expectedWaitSeconds
          }
        }
      }
    }
  }
`);

/** Who a conversation can be handed to: the workspace's active human agents. */
export const AssigneesQuery = graphql(`
  query Assignees {
    agents(first: 100, where: { kind: HUMAN, active: true, roleNEQ: CLIENT_USER }, orderBy: { field: NAME }) {
      edges {
        node {
          ...HandoverAgent
        }
      }
    }
  }
`);

// The live feeds. Each declares `$after`: the transport resumes it from its last cursor after a
// reconnection (SPEC §7 E3, api/client.ts); screens subscribe without it (live from now).

export const InboxFeedSubscription = graphql(`
  subscription InboxFeed($after: String) {
    inbox(after: $after) {
      kind
      reason
      cursor
      conversation {
        ...QueueConversation
      }
    }
  }
`);

export const MyQueueFeedSubscription = graphql(`
  subscription MyQueueFeed($after: String) {
    myQueue(after: $after) {
      kind
      reason
      cursor
      conversation {
        ...QueueConversation
      }
    }
  }
`);

export const ConversationEventsSubscription = graphql(`
  subscription ConversationEvents($conversationId: ID!, $after: String) {
    conversationEvents(conversationId: $conversationId, after: $after) {
      id
      type
      version
      createdAt
      cursor
      after
      actor {
        id
        name
      }
      subject {
        id
        name
      }
    }
  }
`);

export const NotificationsSubscription = graphql(`
  subscription Notifications($after: String) {
    notifications(after: $after) {
      kind
      note
      at
      cursor
      actor {
        id
        name
      }
      conversation {
        ...QueueConversation
      }
    }
  }
`);

// ---------------------------------------------------------------------------------------------
// The supervisor dashboard (SPEC §8, C8) and administration (§9): supervisors and above.

/**
 * Every figure of the dashboard in one round trip: agents over the period (with their load now),
 * the queues (depth and longest wait now, SLA breaches in the period) and the stale claims (C8).
 */
export const DashboardFiguresQuery = graphql(`
  query DashboardFigures($days: Int, $from: Time, $to: Time, $queueFrom: Time, $queueTo: Time) {
    agentPerformance(days: $days, from: $from, to: $to) {
      agent {
        id
        name
        role
        presence
      }
      claims
      avgTimeToClaimSeconds
      avgFirstResponseSeconds
      released
      resolved
      load {
        channel
        count
        capacity
      }
    }
    queueStats(from: $queueFrom, to: $queueTo) {
      channel
      depth
      longestWaitSeconds
      slaBreaches
    }
    workspace {
      id
      staleClaimAfterSeconds
    }
    staleClaims: conversations(first: 100, where: { stale: true }, orderBy: { field: UPDATED_AT, direction: ASC }) {
      totalCount
      edges {
        node {
          id
          channel
          status
          version
          claimedAt
          lastMessageAt
          customer {
            id
            name
          }
          owner {
            id
            name
            presence
          }
        }
      }
    }
  }
`);

/** One agent's open conversations (NEW and PENDING), for the dashboard's drill-down from its row. */
export const AgentConversationsQuery = graphql(`
  query AgentConversations($agentId: ID!, $first: Int!) {
    conversations(
      first: $first
      where: { hasOwnerWith: [{ id: $agentId }], statusIn: [NEW, PENDING] }
      orderBy: { field: LAST_MESSAGE_AT, direction: DESC }
    ) {
      totalCount
      edges {
        node {
          id
          channel
          status
          state
          stale
          lastMessageAt
          firstResponseDueAt
          preview
          customer {
            id
            name
          }
          lock {
            holder {
              id
              name
              kind
            }
          }
        }
      }
    }
  }
`);

/** C8: a supervisor or admin takes a claim back; the conversation returns to the queue. */
export const ForceReleaseMutation = graphql(`
  mutation ForceRelease($id: ID!) {
    forceRelease(id: $id) {
      id
      version
      stale
      owner {
        id
        name
      }
    }
  }
`);

/** The whole workspace's events (supervisors and above), only the given types; resumable. */
export const WorkspaceEventsSubscription = graphql(`
  subscription WorkspaceEvents($types: [String!], $after: String) {
    workspaceEvents(types: $types, after: $after) {
      id
      type
      cursor
      createdAt
      after
      actor {
        id
        name
      }
      subject {
        id
        name
      }
      conversation {
        id
        customer {
          id
          name
        }
      }
    }
  }
`);

export const AdminAgentFragment = graphql(`
  fragment AdminAgent on Agent {
    id
    name
    email
    role
    kind
    vaRole
    presence
    active
    skills
    languages
    channels {
      id
      channel
      capacity
    }
    teams {
      id
      name
    }
    pools {
      id
      name
      tag
    }
  }
`);

export const WorkspaceSettingsFragment = graphql(`
  fragment WorkspaceSettings on Workspace {
    id
    name
    slug
    autoClaimOnReply
    maxClaimsPerAgent
    bulkClaimCap
    selfAssignment
    pauseBotOnClaim
    capacityCountsPending
    capacityCountsOnHold
    staleClaimAfterSeconds
    autoReleaseEnabled
    autoReleaseAfterSeconds
    lockGracePeriodSeconds
    auditRetentionDays
    wrapUpEnabled
    customerInactivitySeconds
    slaFirstResponseSeconds
    awayAfterIdleSeconds
  }
`);

/** Administration: agents, teams, pools and the workspace's settings (admins). */
export const AdminDirectoryQuery = graphql(`
  query AdminDirectory {
    agents(first: 100, orderBy: { field: NAME }) {
      totalCount
      edges {
        node {
          ...AdminAgent
        }
      }
    }
    teams {
      id
      name
      members {
        id
        name
      }
    }
    pools {
      id
      name
      tag
      members {
        id
        name
      }
    }
    workspace {
      ...WorkspaceSettings
    }
  }
`);

export const CreateAgentMutation = graphql(`
  mutation CreateAgent($input: CreateAgentInput!) {
    createAgent(input: $input) {
      ...AdminAgent
    }
  }
`);

export const UpdateAgentMutation = graphql(`
  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {
    updateAgent(id: $id, input: $input) {
      ...AdminAgent
    }
  }
`);

export const CreateTeamMutation = graphql(`
  mutation CreateTeam($input: CreateTeamInput!) {
    createTeam(input: $input) {
      id
      name
    }
  }
`);

export const CreatePoolMutation = graphql(`
  mutation CreatePool($input: CreatePoolInput!) {
    createPool(input: $input) {
      id
      name
      tag
    }
  }
`);

export const UpdateWorkspaceSettingsMutation = graphql(`
  mutation UpdateWorkspaceSettings($input: UpdateWorkspaceInput!) {
    updateWorkspaceSettings(input: $input) {
      ...WorkspaceSettings
    }
  }
`);

export const WebhookFragment = graphql(`
  fragment AdminWebhook on Webhook {
    id
    url
    description
    eventTypes
    active
    createdAt
    health {
      lastSuccessAt
      consecutiveFailures
      failingSince
      disabledReason
    }
  }
`);

export const WebhookDeliveryFragment = graphql(`
  fragment AdminWebhookDelivery on WebhookDelivery {
    id
    eventId
    eventType
    conversationId
    replay
    status
    attempts
    lastError
    lastStatusCode
    latencyMs
    nextAttemptAt
    deliveredAt
    createdAt
  }
`);

/** The workspace's webhooks with their latest deliveries (admins). */
export const WebhooksQuery = graphql(`
  query Webhooks($deliveries: Int!) {
    webhooks {
      ...AdminWebhook
      deliveries(first: $deliveries) {
        nodes {
          ...AdminWebhookDelivery
        }
        endCursor
        hasNextPage
      }
    }
  }
`);

/** Older deliveries of one webhook (the log's next page). */
export const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($id: ID!, $first: Int!, $after: String) {
    webhook(id: $id) {
      id
      deliveries(first: $first, after: $after) {
        nodes {
          ...AdminWebhookDelivery
        }
        endCursor
        hasNextPage
      }
    }
  }
`);

export const CreateWebhookMutation = graphql(`
  mutation CreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      secret
      webhook {
        ...AdminWebhook
      }
    }
  }
`);

export const UpdateWebhookMutation = graphql(`
  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {
    updateWebhook(id: $id, input: $input) {
      ...AdminWebhook
    }
  }
`);

export const DeleteWebhookMutation = graphql(`
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id)
  }
`);

export const RotateWebhookSecretMutation = graphql(`
  mutation RotateWebhookSecret($id: ID!) {
    rotateWebhookSecret(id: $id) {
      secret
      webhook {
        ...AdminWebhook
      }
    }
  }
`);

export const SendTestWebhookEventMutation = graphql(`
  mutation SendTestWebhookEvent($id: ID!) {
    sendTestWebhookEvent(id: $id) {
      ...AdminWebhook
    }
  }
`);

export const RedeliverWebhookEventMutation = graphql(`
  mutation RedeliverWebhookEvent($webhookId: ID!, $eventId: ID!) {
    redeliverWebhookEvent(webhookId: $webhookId, eventId: $eventId) {
      ...AdminWebhookDelivery
    }
  }
`);

// ---------------------------------------------------------------------------------------------
// The desk's composer, search, unread and timers (issue 20).

/**
 * What the desk needs to know once per session: the SLA (the countdown's amber), how long before
 * idle means away, and the server's length limits (the composer's counter, the search box).
 */
export const DeskSettingsQuery = graphql(`
  query DeskSettings {
    workspace {
      id
      slaFirstResponseSeconds
      awayAfterIdleSeconds
    }
    limits {
      messageMaxLength
      noteMaxLength
      cannedResponseMaxLength
      searchMaxLength
    }
  }
`);

/**
 * Conversations by customer, message or note text, with the inbox's filters (issue 20). The
 * customer comes with its handles: the merge dialog finds the other customer with this search
 * rather than a query of its own, which the server's plan test (internal/httpapi/plans_test.go)
 * would have to learn. Handles without their ids: at its largest page this is the workspace's
 * costliest query, near the server's complexity limit (graph/complexity_test.go).
 */
export const SearchConversationsQuery = graphql(`
  query SearchConversations($text: String!, $first: Int!, $after: Cursor, $where: ConversationWhereInput) {
    searchConversations(text: $text, first: $first, after: $after, where: $where) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...QueueConversation
          customer {
            identities {
              channel
              handle
            }
          }
        }
      }
    }
  }
`);

/**
 * Supervisors and admins: one person known as two customers becomes into (from's handles and
 * conversations move to it, and from is removed). The conversations keep their versions and no
 * event of theirs tells it, so the screens read them again after it.
 */
export const MergeCustomersMutation = graphql(`
  mutation MergeCustomers($into: ID!, $from: ID!) {
    mergeCustomers(into: $into, from: $from) {
      id
      name
      identities {
        channel
        handle
      }
    }
  }
`);

/** The viewer read the conversation up to its latest customer message (unread turns false). */
export const MarkConversationReadMutation = graphql(`
  mutation MarkConversationRead($id: ID!) {
    markConversationRead(id: $id) {
      id
      version
      unread
    }
  }
`);

export const CannedResponseFieldsFragment = graphql(`
  fragment CannedResponseFields on CannedResponse {
    id
    shortcut
    title
    text
    shared
    updatedAt
    owner {
      id
      name
    }
  }
`);

/** The canned responses matching a #token or the picker's search, rendered for the conversation. */
export const CannedSuggestionsQuery = graphql(`
  query CannedSuggestions($text: String, $conversationId: ID!) {
    cannedResponses(text: $text) {
      ...CannedResponseFields
      rendered(conversationId: $conversationId)
    }
  }
`);

/** Every canned response the viewer may use (managing them: admins the shared ones, everyone their own). */
export const CannedResponsesQuery = graphql(`
  query CannedResponses {
    cannedResponses {
      ...CannedResponseFields
    }
    cannedResponsePlaceholders {
      token
      description
    }
    limits {
      cannedResponseMaxLength
    }
  }
`);

export const CreateCannedResponseMutation = graphql(`
  mutation CreateCannedResponse($input: CreateCannedResponseInput!) {
    createCannedResponse(input: $input) {
      ...CannedResponseFields
    }
  }
`);

export const UpdateCannedResponseMutation = graphql(`
  mutation UpdateCannedResponse($id: ID!, $input: UpdateCannedResponseInput!) {
    updateCannedResponse(id: $id, input: $input) {
      ...CannedResponseFields
    }
  }
`);

export const DeleteCannedResponseMutation = graphql(`
  mutation DeleteCannedResponse($id: ID!) {
    deleteCannedResponse(id: $id)
  }
`);
