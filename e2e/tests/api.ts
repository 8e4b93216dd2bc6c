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

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`;

/** A new company signed up over the API; its owner (Lin Na) signs in with `password`. */
export async function signUpCompany(request: APIRequestContext, name: string, password: string) {
  const owner = `owner.${Date.now()}.${Math.floor(Math.random() * 1e6)}@e2e.example`;
  const token = (await graphql(request, SIGN_UP, { input: { companyName: name, name: "Lin Na", email: owner, password } }))
    .signUp.accessToken as string;
  return { owner, token };
}
