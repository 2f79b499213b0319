package dev.slate.appliance.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.appliance.testing.DefaultTokenFilter;
import dev.slate.appliance.testing.TestTokens;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;

/** Requests with a chosen token (or none) and checks that an answer gives nothing away. */
final class Responses {

    static final String PROBLEM = "application/problem+json";
    static final String HEADER = "X-Slate-Environment";

    private Responses() {}

    /** A request without any Authorization header (the default admin token is not added). */
    static RequestSpecification anonymous() {
        return given().noFiltersOfType(DefaultTokenFilter.class);
    }

    /** A request with {@code Authorization: Bearer token}. */
    static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    /** No stack trace, no Java internals, no secret of the test Keycloak and none of the extra strings. */
    static void assertClean(Response response, String... alsoSecret) {
        String text = response.getHeaders().toString() + "\n" + response.asString();
        assertThat(text)
                .doesNotContain("Exception", "\tat ", "at dev.slate", "at io.quarkus", "Caused by", "java.lang.");
        List<String> secrets = new ArrayList<>(TestTokens.credentials().secrets());
        secrets.addAll(List.of(alsoSecret));
        for (String secret : secrets) {
            assertThat(text).as("the answer shows a secret").doesNotContain(secret);
        }
    }
}
