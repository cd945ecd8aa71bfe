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
  }
`);

export const MeQuery = graphql(`
  query Me {
    me {
      ...ViewerFields
    }
  }
`);

export const InboxQuery = graphql(`
  query Inbox($first: Int!, $after: Cursor, $where: ConversationWhereInput) {
    conversations(
      first: $first
      after: $after
      where: $where
      orderBy: { field: LAST_MESSAGE_AT, direction: DESC }
    ) {
      totalCount
      edges {
        cursor
        node {
          ...InboxConversation
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
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
