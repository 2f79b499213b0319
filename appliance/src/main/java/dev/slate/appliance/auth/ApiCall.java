package dev.slate.appliance.auth;

import dev.slate.auth.access.Identity;

/**
 * An authorized API request on its way through: what it needs, who asked, for which environment, from
 * where. Kept as a request property from the access check to the response filter.
 *
 * @param requestId the caller's {@code X-Request-Id} when it is usable, else null (one is made when needed)
 */
record ApiCall(
        ApiRoute route,
        String method,
        String path,
        String environment,
        Identity identity,
        AccessDecisions.Access access,
        String remoteAddress,
        String requestId) {

    static final String PROPERTY = ApiCall.class.getName();
}
