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
    "\n  fragment ViewerFields on Agent {\n    id\n    name\n    email\n    role\n    kind\n    presence\n    workspace {\n      id\n      name\n    }\n  }\n": typeof types.ViewerFieldsFragmentDoc,
    "\n  query Me {\n    me {\n      ...ViewerFields\n    }\n  }\n": typeof types.MeDocument,
    "\n  query Inbox($first: Int!, $after: Cursor, $where: ConversationWhereInput) {\n    conversations(\n      first: $first\n      after: $after\n      where: $where\n      orderBy: { field: LAST_MESSAGE_AT, direction: DESC }\n    ) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...InboxConversation\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.InboxDocument,
    "\n  fragment InboxConversation on Conversation {\n    id\n    status\n    state\n    channel\n    priority\n    version\n    tags\n    preview\n    lastMessageAt\n    createdAt\n    customer {\n      id\n      name\n    }\n    owner {\n      id\n      name\n      kind\n    }\n  }\n": typeof types.InboxConversationFragmentDoc,
};
const documents: Documents = {
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      expiresAt\n      agent {\n        id\n        name\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  fragment ViewerFields on Agent {\n    id\n    name\n    email\n    role\n    kind\n    presence\n    workspace {\n      id\n      name\n    }\n  }\n": types.ViewerFieldsFragmentDoc,
    "\n  query Me {\n    me {\n      ...ViewerFields\n    }\n  }\n": types.MeDocument,
    "\n  query Inbox($first: Int!, $after: Cursor, $where: ConversationWhereInput) {\n    conversations(\n      first: $first\n      after: $after\n      where: $where\n      orderBy: { field: LAST_MESSAGE_AT, direction: DESC }\n    ) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...InboxConversation\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.InboxDocument,
    "\n  fragment InboxConversation on Conversation {\n    id\n    status\n    state\n    channel\n    priority\n    version\n    tags\n    preview\n    lastMessageAt\n    createdAt\n    customer {\n      id\n      name\n    }\n    owner {\n      id\n      name\n      kind\n    }\n  }\n": types.InboxConversationFragmentDoc,
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
export function graphql(source: "\n  fragment ViewerFields on Agent {\n    id\n    name\n    email\n    role\n    kind\n    presence\n    workspace {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment ViewerFields on Agent {\n    id\n    name\n    email\n    role\n    kind\n    presence\n    workspace {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      ...ViewerFields\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      ...ViewerFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Inbox($first: Int!, $after: Cursor, $where: ConversationWhereInput) {\n    conversations(\n      first: $first\n      after: $after\n      where: $where\n      orderBy: { field: LAST_MESSAGE_AT, direction: DESC }\n    ) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...InboxConversation\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Inbox($first: Int!, $after: Cursor, $where: ConversationWhereInput) {\n    conversations(\n      first: $first\n      after: $after\n      where: $where\n      orderBy: { field: LAST_MESSAGE_AT, direction: DESC }\n    ) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...InboxConversation\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment InboxConversation on Conversation {\n    id\n    status\n    state\n    channel\n    priority\n    version\n    tags\n    preview\n    lastMessageAt\n    createdAt\n    customer {\n      id\n      name\n    }\n    owner {\n      id\n      name\n      kind\n    }\n  }\n"): (typeof documents)["\n  fragment InboxConversation on Conversation {\n    id\n    status\n    state\n    channel\n    priority\n    version\n    tags\n    preview\n    lastMessageAt\n    createdAt\n    customer {\n      id\n      name\n    }\n    owner {\n      id\n      name\n      kind\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;