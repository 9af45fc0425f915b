import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { UserModel, MessageModel, ApiTokenModel, MessageConnectionModel, UserConnectionModel, TimelineEventModel } from '../models';
import type { GraphQLContext } from '../context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A 64-bit integer, written as a decimal string so no client loses precision. */
  BigInt: { input: bigint; output: bigint | string; }
  /** An ISO-8601 date and time in UTC, e.g. 2024-01-31T12:00:00.000Z. */
  DateTime: { input: Date; output: Date | string; }
};

/** A personal API token. Its secret is shown only once, by `createApiToken`. */
export type ApiToken = Node & {
  __typename?: 'ApiToken';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  name: Scalars['String']['output'];
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
};

export type CreateApiTokenInput = {
  /** What the token is for, to recognise it later. */
  name: Scalars['String']['input'];
};

export type CreateApiTokenPayload = {
  __typename?: 'CreateApiTokenPayload';
  apiToken: ApiToken;
  /** The secret, shown this once: send it as `Authorization: Bearer <token>`. */
  token: Scalars['String']['output'];
};

export type FlagMessageInput = {
  id: Scalars['ID']['input'];
};

export type FlagMessagePayload = {
  __typename?: 'FlagMessagePayload';
  message: Message;
};

export type FollowInput = {
  /** Simulator only: act as this user. */
  actingAs?: InputMaybe<Scalars['String']['input']>;
  /** Simulator only: record this as the simulator's latest action id, in the same statement as the action. */
  latest?: InputMaybe<Scalars['BigInt']['input']>;
  /** Whom to follow or unfollow. */
  username: Scalars['String']['input'];
};

export type FollowPayload = {
  __typename?: 'FollowPayload';
  /** The user followed or unfollowed. */
  user: User;
};

/** Which timeline a live stream follows. */
export type LiveTimeline =
  /** The viewer's own messages and those of the users they follow. Requires sign-in. */
  | 'HOME'
  /** Everyone's messages. */
  | 'PUBLIC'
  /** One user's messages (`username`). */
  | 'USER';

export type Message = Node & {
  __typename?: 'Message';
  author: User;
  databaseId: Scalars['Int']['output'];
  /** Only admins ever see a flagged message. */
  flagged: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  pubDate: Scalars['DateTime']['output'];
  /** The text exactly as posted. */
  text: Scalars['String']['output'];
};

export type MessageConnection = {
  __typename?: 'MessageConnection';
  edges: Array<MessageEdge>;
  pageInfo: PageInfo;
};

export type MessageEdge = {
  __typename?: 'MessageEdge';
  cursor: Scalars['String']['output'];
  node: Message;
};

export type Mutation = {
  __typename?: 'Mutation';
  createApiToken: CreateApiTokenPayload;
  /** Admins only: hide a message from every list. */
  flagMessage: FlagMessagePayload;
  follow: FollowPayload;
  postMessage: PostMessagePayload;
  /** Simulator only. */
  recordLatest: RecordLatestPayload;
  register: RegisterPayload;
  revokeApiToken: RevokeApiTokenPayload;
  /** Admins only. */
  unflagMessage: FlagMessagePayload;
  unfollow: FollowPayload;
};


export type MutationCreateApiTokenArgs = {
  input: CreateApiTokenInput;
};


export type MutationFlagMessageArgs = {
  input: FlagMessageInput;
};


export type MutationFollowArgs = {
  input: FollowInput;
};


export type MutationPostMessageArgs = {
  input: PostMessageInput;
};


export type MutationRecordLatestArgs = {
  input: RecordLatestInput;
};


export type MutationRegisterArgs = {
  input: RegisterInput;
};


export type MutationRevokeApiTokenArgs = {
  input: RevokeApiTokenInput;
};


export type MutationUnflagMessageArgs = {
  input: FlagMessageInput;
};


export type MutationUnfollowArgs = {
  input: FollowInput;
};

/** An object with a global id. */
export type Node = {
  /** Opaque and stable; pass it to `node` to fetch the object again. */
  id: Scalars['ID']['output'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  /** Pass as `after` to get the next page; null on an empty page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type PostMessageInput = {
  /** Simulator only: post as this user. */
  actingAs?: InputMaybe<Scalars['String']['input']>;
  /** Simulator only: record this as the simulator's latest action id, in the same statement as the post. */
  latest?: InputMaybe<Scalars['BigInt']['input']>;
  text: Scalars['String']['input'];
};

export type PostMessagePayload = {
  __typename?: 'PostMessagePayload';
  message: Message;
};

export type Query = {
  __typename?: 'Query';
  /** The viewer's API tokens, revoked ones included. Requires sign-in. */
  apiTokens: Array<ApiToken>;
  /** The viewer's own messages and those of the users they follow. Requires sign-in. */
  homeTimeline: MessageConnection;
  /** The simulator's latest action id; null before the first. */
  latest?: Maybe<Scalars['BigInt']['output']>;
  message?: Maybe<Message>;
  node?: Maybe<Node>;
  /** Everyone's messages, newest first. */
  publicTimeline: MessageConnection;
  user?: Maybe<User>;
  /** Whom a user follows, by name; fails with USER_NOT_FOUND for an unknown name. */
  userFollowing: UserConnection;
  /** A user's messages by name; fails with USER_NOT_FOUND for an unknown name. */
  userTimeline: MessageConnection;
  /** The signed-in user; null when anonymous. */
  viewer?: Maybe<User>;
};


export type QueryHomeTimelineArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryMessageArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPublicTimelineArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryUserArgs = {
  username: Scalars['String']['input'];
};


export type QueryUserFollowingArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  username: Scalars['String']['input'];
};


export type QueryUserTimelineArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  username: Scalars['String']['input'];
};

export type RecordLatestInput = {
  value: Scalars['BigInt']['input'];
};

export type RecordLatestPayload = {
  __typename?: 'RecordLatestPayload';
  latest: Scalars['BigInt']['output'];
};

export type RegisterInput = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
  username: Scalars['String']['input'];
};

export type RegisterPayload = {
  __typename?: 'RegisterPayload';
  user: User;
};

export type RevokeApiTokenInput = {
  id: Scalars['ID']['input'];
};

export type RevokeApiTokenPayload = {
  __typename?: 'RevokeApiTokenPayload';
  apiToken: ApiToken;
};

export type Role =
  | 'ADMIN'
  | 'USER';

export type Subscription = {
  __typename?: 'Subscription';
  /**
   * A timeline's new messages as they are posted, on every instance. Served as server-sent events at
   * `/api/graphql/stream` (the graphql-sse protocol, distinct connections: GET with `query` and
   * `variables` in the URL, or POST; `Accept: text/event-stream`), signed in like `/api/graphql`.
   * Flagged messages are never sent. Fails with UNAUTHENTICATED (HOME, signed out), USER_NOT_FOUND.
   */
  messagePosted: TimelineEvent;
};


export type SubscriptionMessagePostedArgs = {
  timeline: LiveTimeline;
  username?: InputMaybe<Scalars['String']['input']>;
};

export type TimelineEvent = {
  __typename?: 'TimelineEvent';
  /**
   * The stream's position after this event, also sent as the event's SSE `id`: reconnect with it in
   * `Last-Event-ID` to get what was missed, in order. A timeline edge's `cursor` works as well.
   */
  cursor: Scalars['String']['output'];
  kind: TimelineEventKind;
  /** The new message (POSTED). */
  message?: Maybe<Message>;
  /** The message to remove (WITHDRAWN): its `Message.id`. */
  withdrawnMessageId?: Maybe<Scalars['ID']['output']>;
};

export type TimelineEventKind =
  /** A new message: show it at the top. */
  | 'POSTED'
  /** The stream missed more than it replays: reload the timeline. */
  | 'RELOAD'
  /** A message given out earlier was flagged: remove it. */
  | 'WITHDRAWN';

export type User = Node & {
  __typename?: 'User';
  /**
   * An identicon derived from the email (which itself is never exposed): a path on this site, or a
   * Gravatar URL where the site is configured to use Gravatar.
   */
  avatarUrl: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** The numeric id the original MiniTwit used. */
  databaseId: Scalars['Int']['output'];
  /** Who follows the user. */
  followers: UserConnection;
  followersCount: Scalars['Int']['output'];
  /** Whom the user follows. */
  following: UserConnection;
  followingCount: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  /** The user's messages, newest first; flagged messages are hidden. */
  messages: MessageConnection;
  username: Scalars['String']['output'];
  /** Whether the signed-in user follows this user; false when signed out. */
  viewerIsFollowing: Scalars['Boolean']['output'];
};


export type UserAvatarUrlArgs = {
  size?: InputMaybe<Scalars['Int']['input']>;
};


export type UserFollowersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type UserFollowingArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type UserMessagesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type UserConnection = {
  __typename?: 'UserConnection';
  edges: Array<UserEdge>;
  pageInfo: PageInfo;
};

export type UserEdge = {
  __typename?: 'UserEdge';
  cursor: Scalars['String']['output'];
  node: User;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;




/** Mapping of interface types */
export type ResolversInterfaceTypes<_RefType extends Record<string, unknown>> = {
  Node:
    | ( ApiTokenModel )
    | ( MessageModel )
    | ( UserModel )
  ;
};

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  ApiToken: ResolverTypeWrapper<ApiTokenModel>;
  BigInt: ResolverTypeWrapper<Scalars['BigInt']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CreateApiTokenInput: CreateApiTokenInput;
  CreateApiTokenPayload: ResolverTypeWrapper<Omit<CreateApiTokenPayload, 'apiToken'> & { apiToken: ResolversTypes['ApiToken'] }>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  FlagMessageInput: FlagMessageInput;
  FlagMessagePayload: ResolverTypeWrapper<Omit<FlagMessagePayload, 'message'> & { message: ResolversTypes['Message'] }>;
  FollowInput: FollowInput;
  FollowPayload: ResolverTypeWrapper<Omit<FollowPayload, 'user'> & { user: ResolversTypes['User'] }>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  LiveTimeline: LiveTimeline;
  Message: ResolverTypeWrapper<MessageModel>;
  MessageConnection: ResolverTypeWrapper<MessageConnectionModel>;
  MessageEdge: ResolverTypeWrapper<MessageModel>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Node: ResolverTypeWrapper<ResolversInterfaceTypes<ResolversTypes>['Node']>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PostMessageInput: PostMessageInput;
  PostMessagePayload: ResolverTypeWrapper<Omit<PostMessagePayload, 'message'> & { message: ResolversTypes['Message'] }>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RecordLatestInput: RecordLatestInput;
  RecordLatestPayload: ResolverTypeWrapper<RecordLatestPayload>;
  RegisterInput: RegisterInput;
  RegisterPayload: ResolverTypeWrapper<Omit<RegisterPayload, 'user'> & { user: ResolversTypes['User'] }>;
  RevokeApiTokenInput: RevokeApiTokenInput;
  RevokeApiTokenPayload: ResolverTypeWrapper<Omit<RevokeApiTokenPayload, 'apiToken'> & { apiToken: ResolversTypes['ApiToken'] }>;
  Role: Role;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  TimelineEvent: ResolverTypeWrapper<TimelineEventModel>;
  TimelineEventKind: TimelineEventKind;
  User: ResolverTypeWrapper<UserModel>;
  UserConnection: ResolverTypeWrapper<UserConnectionModel>;
  UserEdge: ResolverTypeWrapper<UserModel>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  ApiToken: ApiTokenModel;
  BigInt: Scalars['BigInt']['output'];
  Boolean: Scalars['Boolean']['output'];
  CreateApiTokenInput: CreateApiTokenInput;
  CreateApiTokenPayload: Omit<CreateApiTokenPayload, 'apiToken'> & { apiToken: ResolversParentTypes['ApiToken'] };
  DateTime: Scalars['DateTime']['output'];
  FlagMessageInput: FlagMessageInput;
  FlagMessagePayload: Omit<FlagMessagePayload, 'message'> & { message: ResolversParentTypes['Message'] };
  FollowInput: FollowInput;
  FollowPayload: Omit<FollowPayload, 'user'> & { user: ResolversParentTypes['User'] };
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  Message: MessageModel;
  MessageConnection: MessageConnectionModel;
  MessageEdge: MessageModel;
  Mutation: Record<PropertyKey, never>;
  Node: ResolversInterfaceTypes<ResolversParentTypes>['Node'];
  PageInfo: PageInfo;
  PostMessageInput: PostMessageInput;
  PostMessagePayload: Omit<PostMessagePayload, 'message'> & { message: ResolversParentTypes['Message'] };
  Query: Record<PropertyKey, never>;
  RecordLatestInput: RecordLatestInput;
  RecordLatestPayload: RecordLatestPayload;
  RegisterInput: RegisterInput;
  RegisterPayload: Omit<RegisterPayload, 'user'> & { user: ResolversParentTypes['User'] };
  RevokeApiTokenInput: RevokeApiTokenInput;
  RevokeApiTokenPayload: Omit<RevokeApiTokenPayload, 'apiToken'> & { apiToken: ResolversParentTypes['ApiToken'] };
  String: Scalars['String']['output'];
  Subscription: Record<PropertyKey, never>;
  TimelineEvent: TimelineEventModel;
  User: UserModel;
  UserConnection: UserConnectionModel;
  UserEdge: UserModel;
};

export type ApiTokenResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ApiToken'] = ResolversParentTypes['ApiToken']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastUsedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revokedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export interface BigIntScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['BigInt'], any> {
  name: 'BigInt';
}

export type CreateApiTokenPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CreateApiTokenPayload'] = ResolversParentTypes['CreateApiTokenPayload']> = {
  apiToken?: Resolver<ResolversTypes['ApiToken'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type FlagMessagePayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FlagMessagePayload'] = ResolversParentTypes['FlagMessagePayload']> = {
  message?: Resolver<ResolversTypes['Message'], ParentType, ContextType>;
};

export type FollowPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FollowPayload'] = ResolversParentTypes['FollowPayload']> = {
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
};

export type MessageResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Message'] = ResolversParentTypes['Message']> = {
  author?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  databaseId?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  flagged?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  pubDate?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type MessageConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MessageConnection'] = ResolversParentTypes['MessageConnection']> = {
  edges?: Resolver<Array<ResolversTypes['MessageEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type MessageEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MessageEdge'] = ResolversParentTypes['MessageEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Message'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  createApiToken?: Resolver<ResolversTypes['CreateApiTokenPayload'], ParentType, ContextType, RequireFields<MutationCreateApiTokenArgs, 'input'>>;
  flagMessage?: Resolver<ResolversTypes['FlagMessagePayload'], ParentType, ContextType, RequireFields<MutationFlagMessageArgs, 'input'>>;
  follow?: Resolver<ResolversTypes['FollowPayload'], ParentType, ContextType, RequireFields<MutationFollowArgs, 'input'>>;
  postMessage?: Resolver<ResolversTypes['PostMessagePayload'], ParentType, ContextType, RequireFields<MutationPostMessageArgs, 'input'>>;
  recordLatest?: Resolver<ResolversTypes['RecordLatestPayload'], ParentType, ContextType, RequireFields<MutationRecordLatestArgs, 'input'>>;
  register?: Resolver<ResolversTypes['RegisterPayload'], ParentType, ContextType, RequireFields<MutationRegisterArgs, 'input'>>;
  revokeApiToken?: Resolver<ResolversTypes['RevokeApiTokenPayload'], ParentType, ContextType, RequireFields<MutationRevokeApiTokenArgs, 'input'>>;
  unflagMessage?: Resolver<ResolversTypes['FlagMessagePayload'], ParentType, ContextType, RequireFields<MutationUnflagMessageArgs, 'input'>>;
  unfollow?: Resolver<ResolversTypes['FollowPayload'], ParentType, ContextType, RequireFields<MutationUnfollowArgs, 'input'>>;
};

export type NodeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Node'] = ResolversParentTypes['Node']> = {
  __resolveType: TypeResolveFn<'ApiToken' | 'Message' | 'User', ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type PostMessagePayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PostMessagePayload'] = ResolversParentTypes['PostMessagePayload']> = {
  message?: Resolver<ResolversTypes['Message'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  apiTokens?: Resolver<Array<ResolversTypes['ApiToken']>, ParentType, ContextType>;
  homeTimeline?: Resolver<ResolversTypes['MessageConnection'], ParentType, ContextType, Partial<QueryHomeTimelineArgs>>;
  latest?: Resolver<Maybe<ResolversTypes['BigInt']>, ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['Message']>, ParentType, ContextType, RequireFields<QueryMessageArgs, 'id'>>;
  node?: Resolver<Maybe<ResolversTypes['Node']>, ParentType, ContextType, RequireFields<QueryNodeArgs, 'id'>>;
  publicTimeline?: Resolver<ResolversTypes['MessageConnection'], ParentType, ContextType, Partial<QueryPublicTimelineArgs>>;
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType, RequireFields<QueryUserArgs, 'username'>>;
  userFollowing?: Resolver<ResolversTypes['UserConnection'], ParentType, ContextType, RequireFields<QueryUserFollowingArgs, 'username'>>;
  userTimeline?: Resolver<ResolversTypes['MessageConnection'], ParentType, ContextType, RequireFields<QueryUserTimelineArgs, 'username'>>;
  viewer?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
};

export type RecordLatestPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RecordLatestPayload'] = ResolversParentTypes['RecordLatestPayload']> = {
  latest?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
};

export type RegisterPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RegisterPayload'] = ResolversParentTypes['RegisterPayload']> = {
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
};

export type RevokeApiTokenPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RevokeApiTokenPayload'] = ResolversParentTypes['RevokeApiTokenPayload']> = {
  apiToken?: Resolver<ResolversTypes['ApiToken'], ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  messagePosted?: SubscriptionResolver<ResolversTypes['TimelineEvent'], "messagePosted", ParentType, ContextType, RequireFields<SubscriptionMessagePostedArgs, 'timeline'>>;
};

export type TimelineEventResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TimelineEvent'] = ResolversParentTypes['TimelineEvent']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['TimelineEventKind'], ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['Message']>, ParentType, ContextType>;
  withdrawnMessageId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type UserResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User']> = {
  avatarUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType, RequireFields<UserAvatarUrlArgs, 'size'>>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  databaseId?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  followers?: Resolver<ResolversTypes['UserConnection'], ParentType, ContextType, Partial<UserFollowersArgs>>;
  followersCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  following?: Resolver<ResolversTypes['UserConnection'], ParentType, ContextType, Partial<UserFollowingArgs>>;
  followingCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  messages?: Resolver<ResolversTypes['MessageConnection'], ParentType, ContextType, Partial<UserMessagesArgs>>;
  username?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  viewerIsFollowing?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type UserConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['UserConnection'] = ResolversParentTypes['UserConnection']> = {
  edges?: Resolver<Array<ResolversTypes['UserEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type UserEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['UserEdge'] = ResolversParentTypes['UserEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
};

export type Resolvers<ContextType = GraphQLContext> = {
  ApiToken?: ApiTokenResolvers<ContextType>;
  BigInt?: GraphQLScalarType;
  CreateApiTokenPayload?: CreateApiTokenPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  FlagMessagePayload?: FlagMessagePayloadResolvers<ContextType>;
  FollowPayload?: FollowPayloadResolvers<ContextType>;
  Message?: MessageResolvers<ContextType>;
  MessageConnection?: MessageConnectionResolvers<ContextType>;
  MessageEdge?: MessageEdgeResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Node?: NodeResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PostMessagePayload?: PostMessagePayloadResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RecordLatestPayload?: RecordLatestPayloadResolvers<ContextType>;
  RegisterPayload?: RegisterPayloadResolvers<ContextType>;
  RevokeApiTokenPayload?: RevokeApiTokenPayloadResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  TimelineEvent?: TimelineEventResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
  UserConnection?: UserConnectionResolvers<ContextType>;
  UserEdge?: UserEdgeResolvers<ContextType>;
};

