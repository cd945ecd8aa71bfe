/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      expiresAt\n      agent {\n        id\n        name\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  fragment ViewerFields on Agent {\n    id\n    name\n    email\n    role\n    kind\n    presence\n    workspace {\n      id\n      name\n    }\n    channels {\n      id\n      channel\n    }\n  }\n": typeof types.ViewerFieldsFragmentDoc,
    "\n  query Me {\n    me {\n      ...ViewerFields\n    }\n  }\n": typeof types.MeDocument,
    "\n  fragment InboxConversation on Conversation {\n    id\n    status\n    state\n    channel\n    priority\n    version\n    tags\n    preview\n    lastMessageAt\n    createdAt\n    customer {\n      id\n      name\n    }\n    owner {\n      id\n      name\n      kind\n    }\n  }\n": typeof types.InboxConversationFragmentDoc,
    "\n  fragment QueueConversation on Conversation {\n    ...InboxConversation\n    queuedSince\n    unread\n    firstResponseDueAt\n    ownership\n    viewerCanReply\n    queuePosition {\n      position\n      expectedWaitSeconds\n    }\n    intervention {\n      id\n      status\n      summary\n      createdAt\n      takenOverBy {\n        id\n        name\n      }\n    }\n    lock {\n      acquiredAt\n      holder {\n        id\n        name\n        kind\n      }\n    }\n  }\n": typeof types.QueueConversationFragmentDoc,
    "\n  query Queue($first: Int!, $where: ConversationWhereInput) {\n    conversations(first: $first, where: $where, orderBy: { field: LAST_MESSAGE_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          ...QueueConversation\n        }\n      }\n    }\n  }\n": typeof types.QueueDocument,
    "\n  fragment ConversationDetail on Conversation {\n    ...QueueConversation\n    requiredSkills\n    requiredLanguage\n    claimedAt\n    stale\n    botPaused\n    lastCustomerMessageAt\n    resolvedAt\n    closedAt\n    requiredTeam {\n      id\n      name\n    }\n    customer {\n      id\n      name\n      createdAt\n      identities {\n        id\n        channel\n        handle\n      }\n    }\n    owner {\n      id\n      name\n      kind\n    }\n    messages(last: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          createdAt\n          authorKind\n          authorName\n          channel\n          text\n        }\n      }\n    }\n    notes {\n      id\n      createdAt\n      text\n      author {\n        id\n        name\n      }\n    }\n    interventions {\n      id\n      createdAt\n      status\n      summary\n      topic\n      outcome\n      completedAt\n      takenOverBy {\n        id\n        name\n      }\n    }\n    history(first: 20) {\n      id\n      channel\n      status\n      state\n      createdAt\n      lastMessageAt\n      preview\n    }\n  }\n": typeof types.ConversationDetailFragmentDoc,
    "\n  query Conversation($id: ID!) {\n    node(id: $id) {\n      ... on Conversation {\n        ...ConversationDetail\n      }\n    }\n  }\n": typeof types.ConversationDocument,
    "\n  mutation OpenConversation($id: ID!) {\n    openConversation(id: $id) {\n      ...ConversationDetail\n      ...ConversationViewers\n    }\n  }\n": typeof types.OpenConversationDocument,
    "\n  fragment ConversationViewers on Conversation {\n    id\n    viewers {\n      openedAt\n      monitoring\n      agent {\n        id\n        name\n      }\n    }\n  }\n": typeof types.ConversationViewersFragmentDoc,
    "\n  query ConversationViewersOnly($id: ID!) {\n    node(id: $id) {\n      ... on Conversation {\n        ...ConversationViewers\n      }\n    }\n  }\n": typeof types.ConversationViewersOnlyDocument,
    "\n  mutation MonitorConversation($id: ID!) {\n    monitorConversation(id: $id) {\n      ...ConversationDetail\n      ...ConversationViewers\n    }\n  }\n": typeof types.MonitorConversationDocument,
    "\n  mutation CloseConversation($id: ID!) {\n    closeConversation(id: $id) {\n      ...QueueConversation\n    }\n  }\n": typeof types.CloseConversationDocument,
    "\n  mutation StealLock($id: ID!) {\n    stealLock(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": typeof types.StealLockDocument,
    "\n  mutation ClaimConversation($id: ID!) {\n    claimConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": typeof types.ClaimConversationDocument,
    "\n  mutation ReleaseConversation($id: ID!) {\n    releaseConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": typeof types.ReleaseConversationDocument,
    "\n  mutation ReassignConversation($id: ID!, $agentId: ID!, $note: String) {\n    reassignConversation(id: $id, agentId: $agentId, note: $note) {\n      ...ConversationDetail\n    }\n  }\n": typeof types.ReassignConversationDocument,
    "\n  mutation BulkClaim($ids: [ID!]!) {\n    bulkClaimConversations(ids: $ids) {\n      conversationId\n      conversation {\n        ...QueueConversation\n      }\n      error {\n        code\n        message\n      }\n    }\n  }\n": typeof types.BulkClaimDocument,
    "\n  mutation SendMessage($conversationId: ID!, $text: String!, $expectedVersion: Int) {\n    sendMessage(conversationId: $conversationId, text: $text, expectedVersion: $expectedVersion) {\n      id\n      createdAt\n      authorKind\n      authorName\n      channel\n      text\n    }\n  }\n": typeof types.SendMessageDocument,
    "\n  mutation AddNote($conversationId: ID!, $text: String!) {\n    addNote(conversationId: $conversationId, text: $text) {\n      id\n      createdAt\n      text\n      author {\n        id\n        name\n      }\n    }\n  }\n": typeof types.AddNoteDocument,
    "\n  mutation PendConversation($id: ID!) {\n    pendConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": typeof types.PendConversationDocument,
    "\n  mutation ResolveConversation($id: ID!) {\n    resolveConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": typeof types.ResolveConversationDocument,
    "\n  mutation SetPresence($presence: Presence!) {\n    setPresence(presence: $presence) {\n      id\n      presence\n    }\n  }\n": typeof types.SetPresenceDocument,
    "\n  mutation TakeOverConversation($id: ID!) {\n    takeOverConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": typeof types.TakeOverConversationDocument,
    "\n  mutation CancelTakeover($id: ID!) {\n    cancelTakeover(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": typeof types.CancelTakeoverDocument,
    "\n  mutation ReturnToQueue($id: ID!) {\n    returnToQueue(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": typeof types.ReturnToQueueDocument,
    "\n  mutation CompleteTakeover($id: ID!, $input: CompleteTakeoverInput!) {\n    completeTakeover(id: $id, input: $input) {\n      ...ConversationDetail\n    }\n  }\n": typeof types.CompleteTakeoverDocument,
    "\n  mutation TransferConversation($id: ID!, $agentId: ID, $teamId: ID, $note: String) {\n    transferConversation(id: $id, agentId: $agentId, teamId: $teamId, note: $note) {\n      ...ConversationDetail\n    }\n  }\n": typeof types.TransferConversationDocument,
    "\n  fragment HandoverAgent on Agent {\n    id\n    name\n    role\n    kind\n    presence\n    channels {\n      id\n      channel\n      capacity\n    }\n    load {\n      channel\n      count\n      capacity\n    }\n  }\n": typeof types.HandoverAgentFragmentDoc,
    "\n  query TransferTargets {\n    agents(first: 100, where: { kind: HUMAN, active: true }, orderBy: { field: NAME }) {\n      edges {\n        node {\n          ...HandoverAgent\n        }\n      }\n    }\n    teams {\n      id\n      name\n    }\n  }\n": typeof types.TransferTargetsDocument,
    "\n  query EventCursor {\n    eventCursor\n  }\n": typeof types.EventCursorDocument,
    "\n  query MyQueue($first: Int!) {\n    myQueue(first: $first) {\n      totalCount\n      edges {\n        node {\n          ...QueueConversation\n        }\n      }\n    }\n  }\n": typeof types.MyQueueDocument,
    "\n  query QueuePlaces($first: Int!, $where: ConversationWhereInput) {\n    conversations(first: $first, where: $where, orderBy: { field: LAST_MESSAGE_AT, direction: DESC }) {\n      edges {\n        node {\n          id\n          version\n          queuePosition {\n            position\n            expectedWaitSeconds\n          }\n        }\n      }\n    }\n  }\n": typeof types.QueuePlacesDocument,
    "\n  query Assignees {\n    agents(first: 100, where: { kind: HUMAN, active: true, roleNEQ: CLIENT_USER }, orderBy: { field: NAME }) {\n      edges {\n        node {\n          ...HandoverAgent\n        }\n      }\n    }\n  }\n": typeof types.AssigneesDocument,
    "\n  subscription InboxFeed($after: String) {\n    inbox(after: $after) {\n      kind\n      reason\n      cursor\n      conversation {\n        ...QueueConversation\n      }\n    }\n  }\n": typeof types.InboxFeedDocument,
    "\n  subscription MyQueueFeed($after: String) {\n    myQueue(after: $after) {\n      kind\n      reason\n      cursor\n      conversation {\n        ...QueueConversation\n      }\n    }\n  }\n": typeof types.MyQueueFeedDocument,
    "\n  subscription ConversationEvents($conversationId: ID!, $after: String) {\n    conversationEvents(conversationId: $conversationId, after: $after) {\n      id\n      type\n      version\n      createdAt\n      cursor\n      after\n      actor {\n        id\n        name\n      }\n      subject {\n        id\n        name\n      }\n    }\n  }\n": typeof types.ConversationEventsDocument,
    "\n  subscription Notifications($after: String) {\n    notifications(after: $after) {\n      kind\n      note\n      at\n      cursor\n      actor {\n        id\n        name\n      }\n      conversation {\n        ...QueueConversation\n      }\n    }\n  }\n": typeof types.NotificationsDocument,
    "\n  query DashboardFigures($days: Int, $from: Time, $to: Time, $queueFrom: Time, $queueTo: Time) {\n    agentPerformance(days: $days, from: $from, to: $to) {\n      agent {\n        id\n        name\n        role\n        presence\n      }\n      claims\n      avgTimeToClaimSeconds\n      avgFirstResponseSeconds\n      released\n      resolved\n      load {\n        channel\n        count\n        capacity\n      }\n    }\n    queueStats(from: $queueFrom, to: $queueTo) {\n      channel\n      depth\n      longestWaitSeconds\n      slaBreaches\n    }\n    workspace {\n      id\n      staleClaimAfterSeconds\n    }\n    staleClaims: conversations(first: 100, where: { stale: true }, orderBy: { field: UPDATED_AT, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          id\n          channel\n          status\n          version\n          claimedAt\n          lastMessageAt\n          customer {\n            id\n            name\n          }\n          owner {\n            id\n            name\n            presence\n          }\n        }\n      }\n    }\n  }\n": typeof types.DashboardFiguresDocument,
    "\n  query AgentConversations($agentId: ID!, $first: Int!) {\n    conversations(\n      first: $first\n      where: { hasOwnerWith: [{ id: $agentId }], statusIn: [NEW, PENDING] }\n      orderBy: { field: LAST_MESSAGE_AT, direction: DESC }\n    ) {\n      totalCount\n      edges {\n        node {\n          id\n          channel\n          status\n          state\n          stale\n          lastMessageAt\n          firstResponseDueAt\n          preview\n          customer {\n            id\n            name\n          }\n          lock {\n            holder {\n              id\n              name\n              kind\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.AgentConversationsDocument,
    "\n  mutation ForceRelease($id: ID!) {\n    forceRelease(id: $id) {\n      id\n      version\n      stale\n      owner {\n        id\n        name\n      }\n    }\n  }\n": typeof types.ForceReleaseDocument,
    "\n  subscription WorkspaceEvents($types: [String!], $after: String) {\n    workspaceEvents(types: $types, after: $after) {\n      id\n      type\n      cursor\n      createdAt\n      after\n      actor {\n        id\n        name\n      }\n      subject {\n        id\n        name\n      }\n      conversation {\n        id\n        customer {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.WorkspaceEventsDocument,
    "\n  fragment AdminAgent on Agent {\n    id\n    name\n    email\n    role\n    kind\n    vaRole\n    presence\n    active\n    skills\n    languages\n    channels {\n      id\n      channel\n      capacity\n    }\n    teams {\n      id\n      name\n    }\n    pools {\n      id\n      name\n      tag\n    }\n  }\n": typeof types.AdminAgentFragmentDoc,
    "\n  fragment WorkspaceSettings on Workspace {\n    id\n    name\n    slug\n    autoClaimOnReply\n    maxClaimsPerAgent\n    bulkClaimCap\n    selfAssignment\n    pauseBotOnClaim\n    capacityCountsPending\n    capacityCountsOnHold\n    staleClaimAfterSeconds\n    autoReleaseEnabled\n    autoReleaseAfterSeconds\n    lockGracePeriodSeconds\n    auditRetentionDays\n    wrapUpEnabled\n    customerInactivitySeconds\n    slaFirstResponseSeconds\n    awayAfterIdleSeconds\n  }\n": typeof types.WorkspaceSettingsFragmentDoc,
    "\n  query AdminDirectory {\n    agents(first: 100, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          ...AdminAgent\n        }\n      }\n    }\n    teams {\n      id\n      name\n      members {\n        id\n        name\n      }\n    }\n    pools {\n      id\n      name\n      tag\n      members {\n        id\n        name\n      }\n    }\n    workspace {\n      ...WorkspaceSettings\n    }\n  }\n": typeof types.AdminDirectoryDocument,
    "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      ...AdminAgent\n    }\n  }\n": typeof types.CreateAgentDocument,
    "\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      ...AdminAgent\n    }\n  }\n": typeof types.UpdateAgentDocument,
    "\n  mutation CreateTeam($input: CreateTeamInput!) {\n    createTeam(input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.CreateTeamDocument,
    "\n  mutation CreatePool($input: CreatePoolInput!) {\n    createPool(input: $input) {\n      id\n      name\n      tag\n    }\n  }\n": typeof types.CreatePoolDocument,
    "\n  mutation UpdateWorkspaceSettings($input: UpdateWorkspaceInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceSettings\n    }\n  }\n": typeof types.UpdateWorkspaceSettingsDocument,
    "\n  fragment AdminWebhook on Webhook {\n    id\n    url\n    description\n    eventTypes\n    active\n    createdAt\n    health {\n      lastSuccessAt\n      consecutiveFailures\n      failingSince\n      disabledReason\n    }\n  }\n": typeof types.AdminWebhookFragmentDoc,
    "\n  fragment AdminWebhookDelivery on WebhookDelivery {\n    id\n    eventId\n    eventType\n    conversationId\n    replay\n    status\n    attempts\n    lastError\n    lastStatusCode\n    latencyMs\n    nextAttemptAt\n    deliveredAt\n    createdAt\n  }\n": typeof types.AdminWebhookDeliveryFragmentDoc,
    "\n  query Webhooks($deliveries: Int!) {\n    webhooks {\n      ...AdminWebhook\n      deliveries(first: $deliveries) {\n        nodes {\n          ...AdminWebhookDelivery\n        }\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n": typeof types.WebhooksDocument,
    "\n  query WebhookDeliveries($id: ID!, $first: Int!, $after: String) {\n    webhook(id: $id) {\n      id\n      deliveries(first: $first, after: $after) {\n        nodes {\n          ...AdminWebhookDelivery\n        }\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      webhook {\n        ...AdminWebhook\n      }\n    }\n  }\n": typeof types.CreateWebhookDocument,
    "\n  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) {\n      ...AdminWebhook\n    }\n  }\n": typeof types.UpdateWebhookDocument,
    "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n": typeof types.DeleteWebhookDocument,
    "\n  mutation RotateWebhookSecret($id: ID!) {\n    rotateWebhookSecret(id: $id) {\n      secret\n      webhook {\n        ...AdminWebhook\n      }\n    }\n  }\n": typeof types.RotateWebhookSecretDocument,
    "\n  mutation SendTestWebhookEvent($id: ID!) {\n    sendTestWebhookEvent(id: $id) {\n      ...AdminWebhook\n    }\n  }\n": typeof types.SendTestWebhookEventDocument,
    "\n  mutation RedeliverWebhookEvent($webhookId: ID!, $eventId: ID!) {\n    redeliverWebhookEvent(webhookId: $webhookId, eventId: $eventId) {\n      ...AdminWebhookDelivery\n    }\n  }\n": typeof types.RedeliverWebhookEventDocument,
    "\n  query DeskSettings {\n    workspace {\n      id\n      slaFirstResponseSeconds\n      awayAfterIdleSeconds\n    }\n    limits {\n      messageMaxLength\n      noteMaxLength\n      cannedResponseMaxLength\n      searchMaxLength\n    }\n  }\n": typeof types.DeskSettingsDocument,
    "\n  query SearchConversations($text: String!, $first: Int!, $after: Cursor, $where: ConversationWhereInput) {\n    searchConversations(text: $text, first: $first, after: $after, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...QueueConversation\n          customer {\n            identities {\n              channel\n              handle\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.SearchConversationsDocument,
    "\n  mutation MergeCustomers($into: ID!, $from: ID!) {\n    mergeCustomers(into: $into, from: $from) {\n      id\n      name\n      identities {\n        channel\n        handle\n      }\n    }\n  }\n": typeof types.MergeCustomersDocument,
    "\n  mutation MarkConversationRead($id: ID!) {\n    markConversationRead(id: $id) {\n      id\n      version\n      unread\n    }\n  }\n": typeof types.MarkConversationReadDocument,
    "\n  fragment CannedResponseFields on CannedResponse {\n    id\n    shortcut\n    title\n    text\n    shared\n    updatedAt\n    owner {\n      id\n      name\n    }\n  }\n": typeof types.CannedResponseFieldsFragmentDoc,
    "\n  query CannedSuggestions($text: String, $conversationId: ID!) {\n    cannedResponses(text: $text) {\n      ...CannedResponseFields\n      rendered(conversationId: $conversationId)\n    }\n  }\n": typeof types.CannedSuggestionsDocument,
    "\n  query CannedResponses {\n    cannedResponses {\n      ...CannedResponseFields\n    }\n    cannedResponsePlaceholders {\n      token\n      description\n    }\n    limits {\n      cannedResponseMaxLength\n    }\n  }\n": typeof types.CannedResponsesDocument,
    "\n  mutation CreateCannedResponse($input: CreateCannedResponseInput!) {\n    createCannedResponse(input: $input) {\n      ...CannedResponseFields\n    }\n  }\n": typeof types.CreateCannedResponseDocument,
    "\n  mutation UpdateCannedResponse($id: ID!, $input: UpdateCannedResponseInput!) {\n    updateCannedResponse(id: $id, input: $input) {\n      ...CannedResponseFields\n    }\n  }\n": typeof types.UpdateCannedResponseDocument,
    "\n  mutation DeleteCannedResponse($id: ID!) {\n    deleteCannedResponse(id: $id)\n  }\n": typeof types.DeleteCannedResponseDocument,
};
const documents: Documents = {
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      expiresAt\n      agent {\n        id\n        name\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  fragment ViewerFields on Agent {\n    id\n    name\n    email\n    role\n    kind\n    presence\n    workspace {\n      id\n      name\n    }\n    channels {\n      id\n      channel\n    }\n  }\n": types.ViewerFieldsFragmentDoc,
    "\n  query Me {\n    me {\n      ...ViewerFields\n    }\n  }\n": types.MeDocument,
    "\n  fragment InboxConversation on Conversation {\n    id\n    status\n    state\n    channel\n    priority\n    version\n    tags\n    preview\n    lastMessageAt\n    createdAt\n    customer {\n      id\n      name\n    }\n    owner {\n      id\n      name\n      kind\n    }\n  }\n": types.InboxConversationFragmentDoc,
    "\n  fragment QueueConversation on Conversation {\n    ...InboxConversation\n    queuedSince\n    unread\n    firstResponseDueAt\n    ownership\n    viewerCanReply\n    queuePosition {\n      position\n      expectedWaitSeconds\n    }\n    intervention {\n      id\n      status\n      summary\n      createdAt\n      takenOverBy {\n        id\n        name\n      }\n    }\n    lock {\n      acquiredAt\n      holder {\n        id\n        name\n        kind\n      }\n    }\n  }\n": types.QueueConversationFragmentDoc,
    "\n  query Queue($first: Int!, $where: ConversationWhereInput) {\n    conversations(first: $first, where: $where, orderBy: { field: LAST_MESSAGE_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          ...QueueConversation\n        }\n      }\n    }\n  }\n": types.QueueDocument,
    "\n  fragment ConversationDetail on Conversation {\n    ...QueueConversation\n    requiredSkills\n    requiredLanguage\n    claimedAt\n    stale\n    botPaused\n    lastCustomerMessageAt\n    resolvedAt\n    closedAt\n    requiredTeam {\n      id\n      name\n    }\n    customer {\n      id\n      name\n      createdAt\n      identities {\n        id\n        channel\n        handle\n      }\n    }\n    owner {\n      id\n      name\n      kind\n    }\n    messages(last: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          createdAt\n          authorKind\n          authorName\n          channel\n          text\n        }\n      }\n    }\n    notes {\n      id\n      createdAt\n      text\n      author {\n        id\n        name\n      }\n    }\n    interventions {\n      id\n      createdAt\n      status\n      summary\n      topic\n      outcome\n      completedAt\n      takenOverBy {\n        id\n        name\n      }\n    }\n    history(first: 20) {\n      id\n      channel\n      status\n      state\n      createdAt\n      lastMessageAt\n      preview\n    }\n  }\n": types.ConversationDetailFragmentDoc,
    "\n  query Conversation($id: ID!) {\n    node(id: $id) {\n      ... on Conversation {\n        ...ConversationDetail\n      }\n    }\n  }\n": types.ConversationDocument,
    "\n  mutation OpenConversation($id: ID!) {\n    openConversation(id: $id) {\n      ...ConversationDetail\n      ...ConversationViewers\n    }\n  }\n": types.OpenConversationDocument,
    "\n  fragment ConversationViewers on Conversation {\n    id\n    viewers {\n      openedAt\n      monitoring\n      agent {\n        id\n        name\n      }\n    }\n  }\n": types.ConversationViewersFragmentDoc,
    "\n  query ConversationViewersOnly($id: ID!) {\n    node(id: $id) {\n      ... on Conversation {\n        ...ConversationViewers\n      }\n    }\n  }\n": types.ConversationViewersOnlyDocument,
    "\n  mutation MonitorConversation($id: ID!) {\n    monitorConversation(id: $id) {\n      ...ConversationDetail\n      ...ConversationViewers\n    }\n  }\n": types.MonitorConversationDocument,
    "\n  mutation CloseConversation($id: ID!) {\n    closeConversation(id: $id) {\n      ...QueueConversation\n    }\n  }\n": types.CloseConversationDocument,
    "\n  mutation StealLock($id: ID!) {\n    stealLock(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": types.StealLockDocument,
    "\n  mutation ClaimConversation($id: ID!) {\n    claimConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": types.ClaimConversationDocument,
    "\n  mutation ReleaseConversation($id: ID!) {\n    releaseConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": types.ReleaseConversationDocument,
    "\n  mutation ReassignConversation($id: ID!, $agentId: ID!, $note: String) {\n    reassignConversation(id: $id, agentId: $agentId, note: $note) {\n      ...ConversationDetail\n    }\n  }\n": types.ReassignConversationDocument,
    "\n  mutation BulkClaim($ids: [ID!]!) {\n    bulkClaimConversations(ids: $ids) {\n      conversationId\n      conversation {\n        ...QueueConversation\n      }\n      error {\n        code\n        message\n      }\n    }\n  }\n": types.BulkClaimDocument,
    "\n  mutation SendMessage($conversationId: ID!, $text: String!, $expectedVersion: Int) {\n    sendMessage(conversationId: $conversationId, text: $text, expectedVersion: $expectedVersion) {\n      id\n      createdAt\n      authorKind\n      authorName\n      channel\n      text\n    }\n  }\n": types.SendMessageDocument,
    "\n  mutation AddNote($conversationId: ID!, $text: String!) {\n    addNote(conversationId: $conversationId, text: $text) {\n      id\n      createdAt\n      text\n      author {\n        id\n        name\n      }\n    }\n  }\n": types.AddNoteDocument,
    "\n  mutation PendConversation($id: ID!) {\n    pendConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": types.PendConversationDocument,
    "\n  mutation ResolveConversation($id: ID!) {\n    resolveConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": types.ResolveConversationDocument,
    "\n  mutation SetPresence($presence: Presence!) {\n    setPresence(presence: $presence) {\n      id\n      presence\n    }\n  }\n": types.SetPresenceDocument,
    "\n  mutation TakeOverConversation($id: ID!) {\n    takeOverConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": types.TakeOverConversationDocument,
    "\n  mutation CancelTakeover($id: ID!) {\n    cancelTakeover(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": types.CancelTakeoverDocument,
    "\n  mutation ReturnToQueue($id: ID!) {\n    returnToQueue(id: $id) {\n      ...ConversationDetail\n    }\n  }\n": types.ReturnToQueueDocument,
    "\n  mutation CompleteTakeover($id: ID!, $input: CompleteTakeoverInput!) {\n    completeTakeover(id: $id, input: $input) {\n      ...ConversationDetail\n    }\n  }\n": types.CompleteTakeoverDocument,
    "\n  mutation TransferConversation($id: ID!, $agentId: ID, $teamId: ID, $note: String) {\n    transferConversation(id: $id, agentId: $agentId, teamId: $teamId, note: $note) {\n      ...ConversationDetail\n    }\n  }\n": types.TransferConversationDocument,
    "\n  fragment HandoverAgent on Agent {\n    id\n    name\n    role\n    kind\n    presence\n    channels {\n      id\n      channel\n      capacity\n    }\n    load {\n      channel\n      count\n      capacity\n    }\n  }\n": types.HandoverAgentFragmentDoc,
    "\n  query TransferTargets {\n    agents(first: 100, where: { kind: HUMAN, active: true }, orderBy: { field: NAME }) {\n      edges {\n        node {\n          ...HandoverAgent\n        }\n      }\n    }\n    teams {\n      id\n      name\n    }\n  }\n": types.TransferTargetsDocument,
    "\n  query EventCursor {\n    eventCursor\n  }\n": types.EventCursorDocument,
    "\n  query MyQueue($first: Int!) {\n    myQueue(first: $first) {\n      totalCount\n      edges {\n        node {\n          ...QueueConversation\n        }\n      }\n    }\n  }\n": types.MyQueueDocument,
    "\n  query QueuePlaces($first: Int!, $where: ConversationWhereInput) {\n    conversations(first: $first, where: $where, orderBy: { field: LAST_MESSAGE_AT, direction: DESC }) {\n      edges {\n        node {\n          id\n          version\n          queuePosition {\n            position\n            expectedWaitSeconds\n          }\n        }\n      }\n    }\n  }\n": types.QueuePlacesDocument,
    "\n  query Assignees {\n    agents(first: 100, where: { kind: HUMAN, active: true, roleNEQ: CLIENT_USER }, orderBy: { field: NAME }) {\n      edges {\n        node {\n          ...HandoverAgent\n        }\n      }\n    }\n  }\n": types.AssigneesDocument,
    "\n  subscription InboxFeed($after: String) {\n    inbox(after: $after) {\n      kind\n      reason\n      cursor\n      conversation {\n        ...QueueConversation\n      }\n    }\n  }\n": types.InboxFeedDocument,
    "\n  subscription MyQueueFeed($after: String) {\n    myQueue(after: $after) {\n      kind\n      reason\n      cursor\n      conversation {\n        ...QueueConversation\n      }\n    }\n  }\n": types.MyQueueFeedDocument,
    "\n  subscription ConversationEvents($conversationId: ID!, $after: String) {\n    conversationEvents(conversationId: $conversationId, after: $after) {\n      id\n      type\n      version\n      createdAt\n      cursor\n      after\n      actor {\n        id\n        name\n      }\n      subject {\n        id\n        name\n      }\n    }\n  }\n": types.ConversationEventsDocument,
    "\n  subscription Notifications($after: String) {\n    notifications(after: $after) {\n      kind\n      note\n      at\n      cursor\n      actor {\n        id\n        name\n      }\n      conversation {\n        ...QueueConversation\n      }\n    }\n  }\n": types.NotificationsDocument,
    "\n  query DashboardFigures($days: Int, $from: Time, $to: Time, $queueFrom: Time, $queueTo: Time) {\n    agentPerformance(days: $days, from: $from, to: $to) {\n      agent {\n        id\n        name\n        role\n        presence\n      }\n      claims\n      avgTimeToClaimSeconds\n      avgFirstResponseSeconds\n      released\n      resolved\n      load {\n        channel\n        count\n        capacity\n      }\n    }\n    queueStats(from: $queueFrom, to: $queueTo) {\n      channel\n      depth\n      longestWaitSeconds\n      slaBreaches\n    }\n    workspace {\n      id\n      staleClaimAfterSeconds\n    }\n    staleClaims: conversations(first: 100, where: { stale: true }, orderBy: { field: UPDATED_AT, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          id\n          channel\n          status\n          version\n          claimedAt\n          lastMessageAt\n          customer {\n            id\n            name\n          }\n          owner {\n            id\n            name\n            presence\n          }\n        }\n      }\n    }\n  }\n": types.DashboardFiguresDocument,
    "\n  query AgentConversations($agentId: ID!, $first: Int!) {\n    conversations(\n      first: $first\n      where: { hasOwnerWith: [{ id: $agentId }], statusIn: [NEW, PENDING] }\n      orderBy: { field: LAST_MESSAGE_AT, direction: DESC }\n    ) {\n      totalCount\n      edges {\n        node {\n          id\n          channel\n          status\n          state\n          stale\n          lastMessageAt\n          firstResponseDueAt\n          preview\n          customer {\n            id\n            name\n          }\n          lock {\n            holder {\n              id\n              name\n              kind\n            }\n          }\n        }\n      }\n    }\n  }\n": types.AgentConversationsDocument,
    "\n  mutation ForceRelease($id: ID!) {\n    forceRelease(id: $id) {\n      id\n      version\n      stale\n      owner {\n        id\n        name\n      }\n    }\n  }\n": types.ForceReleaseDocument,
    "\n  subscription WorkspaceEvents($types: [String!], $after: String) {\n    workspaceEvents(types: $types, after: $after) {\n      id\n      type\n      cursor\n      createdAt\n      after\n      actor {\n        id\n        name\n      }\n      subject {\n        id\n        name\n      }\n      conversation {\n        id\n        customer {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.WorkspaceEventsDocument,
    "\n  fragment AdminAgent on Agent {\n    id\n    name\n    email\n    role\n    kind\n    vaRole\n    presence\n    active\n    skills\n    languages\n    channels {\n      id\n      channel\n      capacity\n    }\n    teams {\n      id\n      name\n    }\n    pools {\n      id\n      name\n      tag\n    }\n  }\n": types.AdminAgentFragmentDoc,
    "\n  fragment WorkspaceSettings on Workspace {\n    id\n    name\n    slug\n    autoClaimOnReply\n    maxClaimsPerAgent\n    bulkClaimCap\n    selfAssignment\n    pauseBotOnClaim\n    capacityCountsPending\n    capacityCountsOnHold\n    staleClaimAfterSeconds\n    autoReleaseEnabled\n    autoReleaseAfterSeconds\n    lockGracePeriodSeconds\n    auditRetentionDays\n    wrapUpEnabled\n    customerInactivitySeconds\n    slaFirstResponseSeconds\n    awayAfterIdleSeconds\n  }\n": types.WorkspaceSettingsFragmentDoc,
    "\n  query AdminDirectory {\n    agents(first: 100, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          ...AdminAgent\n        }\n      }\n    }\n    teams {\n      id\n      name\n      members {\n        id\n        name\n      }\n    }\n    pools {\n      id\n      name\n      tag\n      members {\n        id\n        name\n      }\n    }\n    workspace {\n      ...WorkspaceSettings\n    }\n  }\n": types.AdminDirectoryDocument,
    "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      ...AdminAgent\n    }\n  }\n": types.CreateAgentDocument,
    "\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      ...AdminAgent\n    }\n  }\n": types.UpdateAgentDocument,
    "\n  mutation CreateTeam($input: CreateTeamInput!) {\n    createTeam(input: $input) {\n      id\n      name\n    }\n  }\n": types.CreateTeamDocument,
    "\n  mutation CreatePool($input: CreatePoolInput!) {\n    createPool(input: $input) {\n      id\n      name\n      tag\n    }\n  }\n": types.CreatePoolDocument,
    "\n  mutation UpdateWorkspaceSettings($input: UpdateWorkspaceInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceSettings\n    }\n  }\n": types.UpdateWorkspaceSettingsDocument,
    "\n  fragment AdminWebhook on Webhook {\n    id\n    url\n    description\n    eventTypes\n    active\n    createdAt\n    health {\n      lastSuccessAt\n      consecutiveFailures\n      failingSince\n      disabledReason\n    }\n  }\n": types.AdminWebhookFragmentDoc,
    "\n  fragment AdminWebhookDelivery on WebhookDelivery {\n    id\n    eventId\n    eventType\n    conversationId\n    replay\n    status\n    attempts\n    lastError\n    lastStatusCode\n    latencyMs\n    nextAttemptAt\n    deliveredAt\n    createdAt\n  }\n": types.AdminWebhookDeliveryFragmentDoc,
    "\n  query Webhooks($deliveries: Int!) {\n    webhooks {\n      ...AdminWebhook\n      deliveries(first: $deliveries) {\n        nodes {\n          ...AdminWebhookDelivery\n        }\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n": types.WebhooksDocument,
    "\n  query WebhookDeliveries($id: ID!, $first: Int!, $after: String) {\n    webhook(id: $id) {\n      id\n      deliveries(first: $first, after: $after) {\n        nodes {\n          ...AdminWebhookDelivery\n        }\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      webhook {\n        ...AdminWebhook\n      }\n    }\n  }\n": types.CreateWebhookDocument,
    "\n  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) {\n      ...AdminWebhook\n    }\n  }\n": types.UpdateWebhookDocument,
    "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n": types.DeleteWebhookDocument,
    "\n  mutation RotateWebhookSecret($id: ID!) {\n    rotateWebhookSecret(id: $id) {\n      secret\n      webhook {\n        ...AdminWebhook\n      }\n    }\n  }\n": types.RotateWebhookSecretDocument,
    "\n  mutation SendTestWebhookEvent($id: ID!) {\n    sendTestWebhookEvent(id: $id) {\n      ...AdminWebhook\n    }\n  }\n": types.SendTestWebhookEventDocument,
    "\n  mutation RedeliverWebhookEvent($webhookId: ID!, $eventId: ID!) {\n    redeliverWebhookEvent(webhookId: $webhookId, eventId: $eventId) {\n      ...AdminWebhookDelivery\n    }\n  }\n": types.RedeliverWebhookEventDocument,
    "\n  query DeskSettings {\n    workspace {\n      id\n      slaFirstResponseSeconds\n      awayAfterIdleSeconds\n    }\n    limits {\n      messageMaxLength\n      noteMaxLength\n      cannedResponseMaxLength\n      searchMaxLength\n    }\n  }\n": types.DeskSettingsDocument,
    "\n  query SearchConversations($text: String!, $first: Int!, $after: Cursor, $where: ConversationWhereInput) {\n    searchConversations(text: $text, first: $first, after: $after, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...QueueConversation\n          customer {\n            identities {\n              channel\n              handle\n            }\n          }\n        }\n      }\n    }\n  }\n": types.SearchConversationsDocument,
    "\n  mutation MergeCustomers($into: ID!, $from: ID!) {\n    mergeCustomers(into: $into, from: $from) {\n      id\n      name\n      identities {\n        channel\n        handle\n      }\n    }\n  }\n": types.MergeCustomersDocument,
    "\n  mutation MarkConversationRead($id: ID!) {\n    markConversationRead(id: $id) {\n      id\n      version\n      unread\n    }\n  }\n": types.MarkConversationReadDocument,
    "\n  fragment CannedResponseFields on CannedResponse {\n    id\n    shortcut\n    title\n    text\n    shared\n    updatedAt\n    owner {\n      id\n      name\n    }\n  }\n": types.CannedResponseFieldsFragmentDoc,
    "\n  query CannedSuggestions($text: String, $conversationId: ID!) {\n    cannedResponses(text: $text) {\n      ...CannedResponseFields\n      rendered(conversationId: $conversationId)\n    }\n  }\n": types.CannedSuggestionsDocument,
    "\n  query CannedResponses {\n    cannedResponses {\n      ...CannedResponseFields\n    }\n    cannedResponsePlaceholders {\n      token\n      description\n    }\n    limits {\n      cannedResponseMaxLength\n    }\n  }\n": types.CannedResponsesDocument,
    "\n  mutation CreateCannedResponse($input: CreateCannedResponseInput!) {\n    createCannedResponse(input: $input) {\n      ...CannedResponseFields\n    }\n  }\n": types.CreateCannedResponseDocument,
    "\n  mutation UpdateCannedResponse($id: ID!, $input: UpdateCannedResponseInput!) {\n    updateCannedResponse(id: $id, input: $input) {\n      ...CannedResponseFields\n    }\n  }\n": types.UpdateCannedResponseDocument,
    "\n  mutation DeleteCannedResponse($id: ID!) {\n    deleteCannedResponse(id: $id)\n  }\n": types.DeleteCannedResponseDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      expiresAt\n      agent {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      expiresAt\n      agent {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ViewerFields on Agent {\n    id\n    name\n    email\n    role\n    kind\n    presence\n    workspace {\n      id\n      name\n    }\n    channels {\n      id\n      channel\n    }\n  }\n"): (typeof documents)["\n  fragment ViewerFields on Agent {\n    id\n    name\n    email\n    role\n    kind\n    presence\n    workspace {\n      id\n      name\n    }\n    channels {\n      id\n      channel\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      ...ViewerFields\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      ...ViewerFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment InboxConversation on Conversation {\n    id\n    status\n    state\n    channel\n    priority\n    version\n    tags\n    preview\n    lastMessageAt\n    createdAt\n    customer {\n      id\n      name\n    }\n    owner {\n      id\n      name\n      kind\n    }\n  }\n"): (typeof documents)["\n  fragment InboxConversation on Conversation {\n    id\n    status\n    state\n    channel\n    priority\n    version\n    tags\n    preview\n    lastMessageAt\n    createdAt\n    customer {\n      id\n      name\n    }\n    owner {\n      id\n      name\n      kind\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment QueueConversation on Conversation {\n    ...InboxConversation\n    queuedSince\n    unread\n    firstResponseDueAt\n    ownership\n    viewerCanReply\n    queuePosition {\n      position\n      expectedWaitSeconds\n    }\n    intervention {\n      id\n      status\n      summary\n      createdAt\n      takenOverBy {\n        id\n        name\n      }\n    }\n    lock {\n      acquiredAt\n      holder {\n        id\n        name\n        kind\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment QueueConversation on Conversation {\n    ...InboxConversation\n    queuedSince\n    unread\n    firstResponseDueAt\n    ownership\n    viewerCanReply\n    queuePosition {\n      position\n      expectedWaitSeconds\n    }\n    intervention {\n      id\n      status\n      summary\n      createdAt\n      takenOverBy {\n        id\n        name\n      }\n    }\n    lock {\n      acquiredAt\n      holder {\n        id\n        name\n        kind\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Queue($first: Int!, $where: ConversationWhereInput) {\n    conversations(first: $first, where: $where, orderBy: { field: LAST_MESSAGE_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          ...QueueConversation\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Queue($first: Int!, $where: ConversationWhereInput) {\n    conversations(first: $first, where: $where, orderBy: { field: LAST_MESSAGE_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          ...QueueConversation\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConversationDetail on Conversation {\n    ...QueueConversation\n    requiredSkills\n    requiredLanguage\n    claimedAt\n    stale\n    botPaused\n    lastCustomerMessageAt\n    resolvedAt\n    closedAt\n    requiredTeam {\n      id\n      name\n    }\n    customer {\n      id\n      name\n      createdAt\n      identities {\n        id\n        channel\n        handle\n      }\n    }\n    owner {\n      id\n      name\n      kind\n    }\n    messages(last: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          createdAt\n          authorKind\n          authorName\n          channel\n          text\n        }\n      }\n    }\n    notes {\n      id\n      createdAt\n      text\n      author {\n        id\n        name\n      }\n    }\n    interventions {\n      id\n      createdAt\n      status\n      summary\n      topic\n      outcome\n      completedAt\n      takenOverBy {\n        id\n        name\n      }\n    }\n    history(first: 20) {\n      id\n      channel\n      status\n      state\n      createdAt\n      lastMessageAt\n      preview\n    }\n  }\n"): (typeof documents)["\n  fragment ConversationDetail on Conversation {\n    ...QueueConversation\n    requiredSkills\n    requiredLanguage\n    claimedAt\n    stale\n    botPaused\n    lastCustomerMessageAt\n    resolvedAt\n    closedAt\n    requiredTeam {\n      id\n      name\n    }\n    customer {\n      id\n      name\n      createdAt\n      identities {\n        id\n        channel\n        handle\n      }\n    }\n    owner {\n      id\n      name\n      kind\n    }\n    messages(last: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          createdAt\n          authorKind\n          authorName\n          channel\n          text\n        }\n      }\n    }\n    notes {\n      id\n      createdAt\n      text\n      author {\n        id\n        name\n      }\n    }\n    interventions {\n      id\n      createdAt\n      status\n      summary\n      topic\n      outcome\n      completedAt\n      takenOverBy {\n        id\n        name\n      }\n    }\n    history(first: 20) {\n      id\n      channel\n      status\n      state\n      createdAt\n      lastMessageAt\n      preview\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Conversation($id: ID!) {\n    node(id: $id) {\n      ... on Conversation {\n        ...ConversationDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  query Conversation($id: ID!) {\n    node(id: $id) {\n      ... on Conversation {\n        ...ConversationDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OpenConversation($id: ID!) {\n    openConversation(id: $id) {\n      ...ConversationDetail\n      ...ConversationViewers\n    }\n  }\n"): (typeof documents)["\n  mutation OpenConversation($id: ID!) {\n    openConversation(id: $id) {\n      ...ConversationDetail\n      ...ConversationViewers\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConversationViewers on Conversation {\n    id\n    viewers {\n      openedAt\n      monitoring\n      agent {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment ConversationViewers on Conversation {\n    id\n    viewers {\n      openedAt\n      monitoring\n      agent {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConversationViewersOnly($id: ID!) {\n    node(id: $id) {\n      ... on Conversation {\n        ...ConversationViewers\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConversationViewersOnly($id: ID!) {\n    node(id: $id) {\n      ... on Conversation {\n        ...ConversationViewers\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MonitorConversation($id: ID!) {\n    monitorConversation(id: $id) {\n      ...ConversationDetail\n      ...ConversationViewers\n    }\n  }\n"): (typeof documents)["\n  mutation MonitorConversation($id: ID!) {\n    monitorConversation(id: $id) {\n      ...ConversationDetail\n      ...ConversationViewers\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CloseConversation($id: ID!) {\n    closeConversation(id: $id) {\n      ...QueueConversation\n    }\n  }\n"): (typeof documents)["\n  mutation CloseConversation($id: ID!) {\n    closeConversation(id: $id) {\n      ...QueueConversation\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StealLock($id: ID!) {\n    stealLock(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"): (typeof documents)["\n  mutation StealLock($id: ID!) {\n    stealLock(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClaimConversation($id: ID!) {\n    claimConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"): (typeof documents)["\n  mutation ClaimConversation($id: ID!) {\n    claimConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReleaseConversation($id: ID!) {\n    releaseConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"): (typeof documents)["\n  mutation ReleaseConversation($id: ID!) {\n    releaseConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReassignConversation($id: ID!, $agentId: ID!, $note: String) {\n    reassignConversation(id: $id, agentId: $agentId, note: $note) {\n      ...ConversationDetail\n    }\n  }\n"): (typeof documents)["\n  mutation ReassignConversation($id: ID!, $agentId: ID!, $note: String) {\n    reassignConversation(id: $id, agentId: $agentId, note: $note) {\n      ...ConversationDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BulkClaim($ids: [ID!]!) {\n    bulkClaimConversations(ids: $ids) {\n      conversationId\n      conversation {\n        ...QueueConversation\n      }\n      error {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation BulkClaim($ids: [ID!]!) {\n    bulkClaimConversations(ids: $ids) {\n      conversationId\n      conversation {\n        ...QueueConversation\n      }\n      error {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendMessage($conversationId: ID!, $text: String!, $expectedVersion: Int) {\n    sendMessage(conversationId: $conversationId, text: $text, expectedVersion: $expectedVersion) {\n      id\n      createdAt\n      authorKind\n      authorName\n      channel\n      text\n    }\n  }\n"): (typeof documents)["\n  mutation SendMessage($conversationId: ID!, $text: String!, $expectedVersion: Int) {\n    sendMessage(conversationId: $conversationId, text: $text, expectedVersion: $expectedVersion) {\n      id\n      createdAt\n      authorKind\n      authorName\n      channel\n      text\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddNote($conversationId: ID!, $text: String!) {\n    addNote(conversationId: $conversationId, text: $text) {\n      id\n      createdAt\n      text\n      author {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddNote($conversationId: ID!, $text: String!) {\n    addNote(conversationId: $conversationId, text: $text) {\n      id\n      createdAt\n      text\n      author {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PendConversation($id: ID!) {\n    pendConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"): (typeof documents)["\n  mutation PendConversation($id: ID!) {\n    pendConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResolveConversation($id: ID!) {\n    resolveConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"): (typeof documents)["\n  mutation ResolveConversation($id: ID!) {\n    resolveConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetPresence($presence: Presence!) {\n    setPresence(presence: $presence) {\n      id\n      presence\n    }\n  }\n"): (typeof documents)["\n  mutation SetPresence($presence: Presence!) {\n    setPresence(presence: $presence) {\n      id\n      presence\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TakeOverConversation($id: ID!) {\n    takeOverConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"): (typeof documents)["\n  mutation TakeOverConversation($id: ID!) {\n    takeOverConversation(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelTakeover($id: ID!) {\n    cancelTakeover(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"): (typeof documents)["\n  mutation CancelTakeover($id: ID!) {\n    cancelTakeover(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReturnToQueue($id: ID!) {\n    returnToQueue(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"): (typeof documents)["\n  mutation ReturnToQueue($id: ID!) {\n    returnToQueue(id: $id) {\n      ...ConversationDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteTakeover($id: ID!, $input: CompleteTakeoverInput!) {\n    completeTakeover(id: $id, input: $input) {\n      ...ConversationDetail\n    }\n  }\n"): (typeof documents)["\n  mutation CompleteTakeover($id: ID!, $input: CompleteTakeoverInput!) {\n    completeTakeover(id: $id, input: $input) {\n      ...ConversationDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TransferConversation($id: ID!, $agentId: ID, $teamId: ID, $note: String) {\n    transferConversation(id: $id, agentId: $agentId, teamId: $teamId, note: $note) {\n      ...ConversationDetail\n    }\n  }\n"): (typeof documents)["\n  mutation TransferConversation($id: ID!, $agentId: ID, $teamId: ID, $note: String) {\n    transferConversation(id: $id, agentId: $agentId, teamId: $teamId, note: $note) {\n      ...ConversationDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment HandoverAgent on Agent {\n    id\n    name\n    role\n    kind\n    presence\n    channels {\n      id\n      channel\n      capacity\n    }\n    load {\n      channel\n      count\n      capacity\n    }\n  }\n"): (typeof documents)["\n  fragment HandoverAgent on Agent {\n    id\n    name\n    role\n    kind\n    presence\n    channels {\n      id\n      channel\n      capacity\n    }\n    load {\n      channel\n      count\n      capacity\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TransferTargets {\n    agents(first: 100, where: { kind: HUMAN, active: true }, orderBy: { field: NAME }) {\n      edges {\n        node {\n          ...HandoverAgent\n        }\n      }\n    }\n    teams {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query TransferTargets {\n    agents(first: 100, where: { kind: HUMAN, active: true }, orderBy: { field: NAME }) {\n      edges {\n        node {\n          ...HandoverAgent\n        }\n      }\n    }\n    teams {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EventCursor {\n    eventCursor\n  }\n"): (typeof documents)["\n  query EventCursor {\n    eventCursor\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyQueue($first: Int!) {\n    myQueue(first: $first) {\n      totalCount\n      edges {\n        node {\n          ...QueueConversation\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyQueue($first: Int!) {\n    myQueue(first: $first) {\n      totalCount\n      edges {\n        node {\n          ...QueueConversation\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QueuePlaces($first: Int!, $where: ConversationWhereInput) {\n    conversations(first: $first, where: $where, orderBy: { field: LAST_MESSAGE_AT, direction: DESC }) {\n      edges {\n        node {\n          id\n          version\n          queuePosition {\n            position\n            expectedWaitSeconds\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query QueuePlaces($first: Int!, $where: ConversationWhereInput) {\n    conversations(first: $first, where: $where, orderBy: { field: LAST_MESSAGE_AT, direction: DESC }) {\n      edges {\n        node {\n          id\n          version\n          queuePosition {\n            position\n            expectedWaitSeconds\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Assignees {\n    agents(first: 100, where: { kind: HUMAN, active: true, roleNEQ: CLIENT_USER }, orderBy: { field: NAME }) {\n      edges {\n        node {\n          ...HandoverAgent\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Assignees {\n    agents(first: 100, where: { kind: HUMAN, active: true, roleNEQ: CLIENT_USER }, orderBy: { field: NAME }) {\n      edges {\n        node {\n          ...HandoverAgent\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription InboxFeed($after: String) {\n    inbox(after: $after) {\n      kind\n      reason\n      cursor\n      conversation {\n        ...QueueConversation\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription InboxFeed($after: String) {\n    inbox(after: $after) {\n      kind\n      reason\n      cursor\n      conversation {\n        ...QueueConversation\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MyQueueFeed($after: String) {\n    myQueue(after: $after) {\n      kind\n      reason\n      cursor\n      conversation {\n        ...QueueConversation\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription MyQueueFeed($after: String) {\n    myQueue(after: $after) {\n      kind\n      reason\n      cursor\n      conversation {\n        ...QueueConversation\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConversationEvents($conversationId: ID!, $after: String) {\n    conversationEvents(conversationId: $conversationId, after: $after) {\n      id\n      type\n      version\n      createdAt\n      cursor\n      after\n      actor {\n        id\n        name\n      }\n      subject {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ConversationEvents($conversationId: ID!, $after: String) {\n    conversationEvents(conversationId: $conversationId, after: $after) {\n      id\n      type\n      version\n      createdAt\n      cursor\n      after\n      actor {\n        id\n        name\n      }\n      subject {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Notifications($after: String) {\n    notifications(after: $after) {\n      kind\n      note\n      at\n      cursor\n      actor {\n        id\n        name\n      }\n      conversation {\n        ...QueueConversation\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription Notifications($after: String) {\n    notifications(after: $after) {\n      kind\n      note\n      at\n      cursor\n      actor {\n        id\n        name\n      }\n      conversation {\n        ...QueueConversation\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardFigures($days: Int, $from: Time, $to: Time, $queueFrom: Time, $queueTo: Time) {\n    agentPerformance(days: $days, from: $from, to: $to) {\n      agent {\n        id\n        name\n        role\n        presence\n      }\n      claims\n      avgTimeToClaimSeconds\n      avgFirstResponseSeconds\n      released\n      resolved\n      load {\n        channel\n        count\n        capacity\n      }\n    }\n    queueStats(from: $queueFrom, to: $queueTo) {\n      channel\n      depth\n      longestWaitSeconds\n      slaBreaches\n    }\n    workspace {\n      id\n      staleClaimAfterSeconds\n    }\n    staleClaims: conversations(first: 100, where: { stale: true }, orderBy: { field: UPDATED_AT, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          id\n          channel\n          status\n          version\n          claimedAt\n          lastMessageAt\n          customer {\n            id\n            name\n          }\n          owner {\n            id\n            name\n            presence\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardFigures($days: Int, $from: Time, $to: Time, $queueFrom: Time, $queueTo: Time) {\n    agentPerformance(days: $days, from: $from, to: $to) {\n      agent {\n        id\n        name\n        role\n        presence\n      }\n      claims\n      avgTimeToClaimSeconds\n      avgFirstResponseSeconds\n      released\n      resolved\n      load {\n        channel\n        count\n        capacity\n      }\n    }\n    queueStats(from: $queueFrom, to: $queueTo) {\n      channel\n      depth\n      longestWaitSeconds\n      slaBreaches\n    }\n    workspace {\n      id\n      staleClaimAfterSeconds\n    }\n    staleClaims: conversations(first: 100, where: { stale: true }, orderBy: { field: UPDATED_AT, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          id\n          channel\n          status\n          version\n          claimedAt\n          lastMessageAt\n          customer {\n            id\n            name\n          }\n          owner {\n            id\n            name\n            presence\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentConversations($agentId: ID!, $first: Int!) {\n    conversations(\n      first: $first\n      where: { hasOwnerWith: [{ id: $agentId }], statusIn: [NEW, PENDING] }\n      orderBy: { field: LAST_MESSAGE_AT, direction: DESC }\n    ) {\n      totalCount\n      edges {\n        node {\n          id\n          channel\n          status\n          state\n          stale\n          lastMessageAt\n          firstResponseDueAt\n          preview\n          customer {\n            id\n            name\n          }\n          lock {\n            holder {\n              id\n              name\n              kind\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AgentConversations($agentId: ID!, $first: Int!) {\n    conversations(\n      first: $first\n      where: { hasOwnerWith: [{ id: $agentId }], statusIn: [NEW, PENDING] }\n      orderBy: { field: LAST_MESSAGE_AT, direction: DESC }\n    ) {\n      totalCount\n      edges {\n        node {\n          id\n          channel\n          status\n          state\n          stale\n          lastMessageAt\n          firstResponseDueAt\n          preview\n          customer {\n            id\n            name\n          }\n          lock {\n            holder {\n              id\n              name\n              kind\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ForceRelease($id: ID!) {\n    forceRelease(id: $id) {\n      id\n      version\n      stale\n      owner {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ForceRelease($id: ID!) {\n    forceRelease(id: $id) {\n      id\n      version\n      stale\n      owner {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WorkspaceEvents($types: [String!], $after: String) {\n    workspaceEvents(types: $types, after: $after) {\n      id\n      type\n      cursor\n      createdAt\n      after\n      actor {\n        id\n        name\n      }\n      subject {\n        id\n        name\n      }\n      conversation {\n        id\n        customer {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription WorkspaceEvents($types: [String!], $after: String) {\n    workspaceEvents(types: $types, after: $after) {\n      id\n      type\n      cursor\n      createdAt\n      after\n      actor {\n        id\n        name\n      }\n      subject {\n        id\n        name\n      }\n      conversation {\n        id\n        customer {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AdminAgent on Agent {\n    id\n    name\n    email\n    role\n    kind\n    vaRole\n    presence\n    active\n    skills\n    languages\n    channels {\n      id\n      channel\n      capacity\n    }\n    teams {\n      id\n      name\n    }\n    pools {\n      id\n      name\n      tag\n    }\n  }\n"): (typeof documents)["\n  fragment AdminAgent on Agent {\n    id\n    name\n    email\n    role\n    kind\n    vaRole\n    presence\n    active\n    skills\n    languages\n    channels {\n      id\n      channel\n      capacity\n    }\n    teams {\n      id\n      name\n    }\n    pools {\n      id\n      name\n      tag\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WorkspaceSettings on Workspace {\n    id\n    name\n    slug\n    autoClaimOnReply\n    maxClaimsPerAgent\n    bulkClaimCap\n    selfAssignment\n    pauseBotOnClaim\n    capacityCountsPending\n    capacityCountsOnHold\n    staleClaimAfterSeconds\n    autoReleaseEnabled\n    autoReleaseAfterSeconds\n    lockGracePeriodSeconds\n    auditRetentionDays\n    wrapUpEnabled\n    customerInactivitySeconds\n    slaFirstResponseSeconds\n    awayAfterIdleSeconds\n  }\n"): (typeof documents)["\n  fragment WorkspaceSettings on Workspace {\n    id\n    name\n    slug\n    autoClaimOnReply\n    maxClaimsPerAgent\n    bulkClaimCap\n    selfAssignment\n    pauseBotOnClaim\n    capacityCountsPending\n    capacityCountsOnHold\n    staleClaimAfterSeconds\n    autoReleaseEnabled\n    autoReleaseAfterSeconds\n    lockGracePeriodSeconds\n    auditRetentionDays\n    wrapUpEnabled\n    customerInactivitySeconds\n    slaFirstResponseSeconds\n    awayAfterIdleSeconds\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminDirectory {\n    agents(first: 100, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          ...AdminAgent\n        }\n      }\n    }\n    teams {\n      id\n      name\n      members {\n        id\n        name\n      }\n    }\n    pools {\n      id\n      name\n      tag\n      members {\n        id\n        name\n      }\n    }\n    workspace {\n      ...WorkspaceSettings\n    }\n  }\n"): (typeof documents)["\n  query AdminDirectory {\n    agents(first: 100, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          ...AdminAgent\n        }\n      }\n    }\n    teams {\n      id\n      name\n      members {\n        id\n        name\n      }\n    }\n    pools {\n      id\n      name\n      tag\n      members {\n        id\n        name\n      }\n    }\n    workspace {\n      ...WorkspaceSettings\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      ...AdminAgent\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      ...AdminAgent\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      ...AdminAgent\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      ...AdminAgent\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTeam($input: CreateTeamInput!) {\n    createTeam(input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTeam($input: CreateTeamInput!) {\n    createTeam(input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePool($input: CreatePoolInput!) {\n    createPool(input: $input) {\n      id\n      name\n      tag\n    }\n  }\n"): (typeof documents)["\n  mutation CreatePool($input: CreatePoolInput!) {\n    createPool(input: $input) {\n      id\n      name\n      tag\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWorkspaceSettings($input: UpdateWorkspaceInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceSettings\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateWorkspaceSettings($input: UpdateWorkspaceInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceSettings\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AdminWebhook on Webhook {\n    id\n    url\n    description\n    eventTypes\n    active\n    createdAt\n    health {\n      lastSuccessAt\n      consecutiveFailures\n      failingSince\n      disabledReason\n    }\n  }\n"): (typeof documents)["\n  fragment AdminWebhook on Webhook {\n    id\n    url\n    description\n    eventTypes\n    active\n    createdAt\n    health {\n      lastSuccessAt\n      consecutiveFailures\n      failingSince\n      disabledReason\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AdminWebhookDelivery on WebhookDelivery {\n    id\n    eventId\n    eventType\n    conversationId\n    replay\n    status\n    attempts\n    lastError\n    lastStatusCode\n    latencyMs\n    nextAttemptAt\n    deliveredAt\n    createdAt\n  }\n"): (typeof documents)["\n  fragment AdminWebhookDelivery on WebhookDelivery {\n    id\n    eventId\n    eventType\n    conversationId\n    replay\n    status\n    attempts\n    lastError\n    lastStatusCode\n    latencyMs\n    nextAttemptAt\n    deliveredAt\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Webhooks($deliveries: Int!) {\n    webhooks {\n      ...AdminWebhook\n      deliveries(first: $deliveries) {\n        nodes {\n          ...AdminWebhookDelivery\n        }\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n"): (typeof documents)["\n  query Webhooks($deliveries: Int!) {\n    webhooks {\n      ...AdminWebhook\n      deliveries(first: $deliveries) {\n        nodes {\n          ...AdminWebhookDelivery\n        }\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($id: ID!, $first: Int!, $after: String) {\n    webhook(id: $id) {\n      id\n      deliveries(first: $first, after: $after) {\n        nodes {\n          ...AdminWebhookDelivery\n        }\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebhookDeliveries($id: ID!, $first: Int!, $after: String) {\n    webhook(id: $id) {\n      id\n      deliveries(first: $first, after: $after) {\n        nodes {\n          ...AdminWebhookDelivery\n        }\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      webhook {\n        ...AdminWebhook\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      webhook {\n        ...AdminWebhook\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) {\n      ...AdminWebhook\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) {\n      ...AdminWebhook\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateWebhookSecret($id: ID!) {\n    rotateWebhookSecret(id: $id) {\n      secret\n      webhook {\n        ...AdminWebhook\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateWebhookSecret($id: ID!) {\n    rotateWebhookSecret(id: $id) {\n      secret\n      webhook {\n        ...AdminWebhook\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendTestWebhookEvent($id: ID!) {\n    sendTestWebhookEvent(id: $id) {\n      ...AdminWebhook\n    }\n  }\n"): (typeof documents)["\n  mutation SendTestWebhookEvent($id: ID!) {\n    sendTestWebhookEvent(id: $id) {\n      ...AdminWebhook\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RedeliverWebhookEvent($webhookId: ID!, $eventId: ID!) {\n    redeliverWebhookEvent(webhookId: $webhookId, eventId: $eventId) {\n      ...AdminWebhookDelivery\n    }\n  }\n"): (typeof documents)["\n  mutation RedeliverWebhookEvent($webhookId: ID!, $eventId: ID!) {\n    redeliverWebhookEvent(webhookId: $webhookId, eventId: $eventId) {\n      ...AdminWebhookDelivery\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeskSettings {\n    workspace {\n      id\n      slaFirstResponseSeconds\n      awayAfterIdleSeconds\n    }\n    limits {\n      messageMaxLength\n      noteMaxLength\n      cannedResponseMaxLength\n      searchMaxLength\n    }\n  }\n"): (typeof documents)["\n  query DeskSettings {\n    workspace {\n      id\n      slaFirstResponseSeconds\n      awayAfterIdleSeconds\n    }\n    limits {\n      messageMaxLength\n      noteMaxLength\n      cannedResponseMaxLength\n      searchMaxLength\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchConversations($text: String!, $first: Int!, $after: Cursor, $where: ConversationWhereInput) {\n    searchConversations(text: $text, first: $first, after: $after, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...QueueConversation\n          customer {\n            identities {\n              channel\n              handle\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SearchConversations($text: String!, $first: Int!, $after: Cursor, $where: ConversationWhereInput) {\n    searchConversations(text: $text, first: $first, after: $after, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...QueueConversation\n          customer {\n            identities {\n              channel\n              handle\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MergeCustomers($into: ID!, $from: ID!) {\n    mergeCustomers(into: $into, from: $from) {\n      id\n      name\n      identities {\n        channel\n        handle\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation MergeCustomers($into: ID!, $from: ID!) {\n    mergeCustomers(into: $into, from: $from) {\n      id\n      name\n      identities {\n        channel\n        handle\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkConversationRead($id: ID!) {\n    markConversationRead(id: $id) {\n      id\n      version\n      unread\n    }\n  }\n"): (typeof documents)["\n  mutation MarkConversationRead($id: ID!) {\n    markConversationRead(id: $id) {\n      id\n      version\n      unread\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CannedResponseFields on CannedResponse {\n    id\n    shortcut\n    title\n    text\n    shared\n    updatedAt\n    owner {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment CannedResponseFields on CannedResponse {\n    id\n    shortcut\n    title\n    text\n    shared\n    updatedAt\n    owner {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CannedSuggestions($text: String, $conversationId: ID!) {\n    cannedResponses(text: $text) {\n      ...CannedResponseFields\n      rendered(conversationId: $conversationId)\n    }\n  }\n"): (typeof documents)["\n  query CannedSuggestions($text: String, $conversationId: ID!) {\n    cannedResponses(text: $text) {\n      ...CannedResponseFields\n      rendered(conversationId: $conversationId)\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CannedResponses {\n    cannedResponses {\n      ...CannedResponseFields\n    }\n    cannedResponsePlaceholders {\n      token\n      description\n    }\n    limits {\n      cannedResponseMaxLength\n    }\n  }\n"): (typeof documents)["\n  query CannedResponses {\n    cannedResponses {\n      ...CannedResponseFields\n    }\n    cannedResponsePlaceholders {\n      token\n      description\n    }\n    limits {\n      cannedResponseMaxLength\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCannedResponse($input: CreateCannedResponseInput!) {\n    createCannedResponse(input: $input) {\n      ...CannedResponseFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCannedResponse($input: CreateCannedResponseInput!) {\n    createCannedResponse(input: $input) {\n      ...CannedResponseFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateCannedResponse($id: ID!, $input: UpdateCannedResponseInput!) {\n    updateCannedResponse(id: $id, input: $input) {\n      ...CannedResponseFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateCannedResponse($id: ID!, $input: UpdateCannedResponseInput!) {\n    updateCannedResponse(id: $id, input: $input) {\n      ...CannedResponseFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteCannedResponse($id: ID!) {\n    deleteCannedResponse(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteCannedResponse($id: ID!) {\n    deleteCannedResponse(id: $id)\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;