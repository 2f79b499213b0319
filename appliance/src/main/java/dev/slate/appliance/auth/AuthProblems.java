package dev.slate.appliance.auth;

import dev.slate.appliance.web.Problem;
import dev.slate.serving.model.error.ErrorCode;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** The 401 and 403 answers: problem+json with the stable code, and nothing about why beyond what the caller needs. */
final class AuthProblems {

    static final String NO_TOKEN =
            "authentication required: send an access token of the Slate realm as 'Authorization: Bearer <token>'";
    static final String BAD_TOKEN =
            "the bearer token was rejected (bad signature, wrong issuer or audience, or expired); get a new one";
    static final String REQUEST_ID_HEADER = "X-Request-Id";

    private AuthProblems() {}

    /** The {@code WWW-Authenticate} header of a 401. */
    static String challenge(boolean tokenPresented) {
        return tokenPresented ? "Bearer realm=\"slate\", error=\"invalid_token\"" : "Bearer realm=\"slate\"";
    }

    static Response unauthenticated(boolean tokenPresented, String requestId) {
        String challenge = challenge(tokenPresented);
        return Response.fromResponse(
                        Problem.of(ErrorCode.UNAUTHENTICATED, 401, tokenPresented ? BAD_TOKEN : NO_TOKEN, List.of())
                                .toResponse())
                .header("WWW-Authenticate", challenge)
                .header(REQUEST_ID_HEADER, requestId)
                .build();
    }

    static Response unauthorized(String detail, String requestId) {
        return Response.fromResponse(Problem.of(ErrorCode.UNAUTHORIZED, 403, detail, List.of())
                        .toResponse())
                .header(REQUEST_ID_HEADER, requestId)
                .build();
    }
}
