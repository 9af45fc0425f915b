import type { Resolvers } from "../generated/resolvers-types";
import { ApiToken } from "./ApiToken";
import { Message } from "./Message";
import { MessageConnection, MessageEdge } from "./MessageConnection";
import { Mutation } from "./Mutation";
import { Node } from "./Node";
import { Query } from "./Query";
import { BigIntScalar, DateTime } from "./scalars";
import { Subscription, TimelineEvent } from "./Subscription";
import { User } from "./User";
import { UserConnection, UserEdge } from "./UserConnection";

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Subscription,
  TimelineEvent,
  Node,
  User,
  Message,
  ApiToken,
  MessageConnection,
  MessageEdge,
  UserConnection,
  UserEdge,
  DateTime,
  BigInt: BigIntScalar,
};
