import { APIRequestContext, expect } from "./fixtures";

/** Sends a GraphQL operation (as `token` when given) and returns its `data`, failing the journey on
 *  any error: the journeys arrange their data through the API, as a third party would. */
export async function graphql(request: APIRequestContext, query: string, variables: object, token?: string) {
  const response = await request.post("/graphql", {
    data: { query, variables },
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  expect(response.ok()).toBeTruthy();
  const body = await response.json();
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}
