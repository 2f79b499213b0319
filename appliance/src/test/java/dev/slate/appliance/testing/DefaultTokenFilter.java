package dev.slate.appliance.testing;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Gives every RestAssured request without an {@code Authorization} header the demo admin's token, so
 * tests written before authentication (and tests that are not about it) run unchanged. A test that
 * wants to send no token uses {@code given().noFiltersOfType(DefaultTokenFilter.class)}; one that sends
 * its own header is left alone. Installed by {@link DefaultTokenExtension} before each test.
 */
public final class DefaultTokenFilter implements Filter {

    @Override
    public Response filter(
            FilterableRequestSpecification request, FilterableResponseSpecification response, FilterContext ctx) {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            TestTokens.defaultAuthorization().ifPresent(value -> request.header("Authorization", value));
        }
        return ctx.next(request, response);
    }

    /** Adds the filter to RestAssured's global filters once (in the class loader this class lives in). */
    public static synchronized void install() {
        if (RestAssured.filters().stream().noneMatch(f -> f instanceof DefaultTokenFilter)) {
            RestAssured.filters(new DefaultTokenFilter());
        }
    }
}
