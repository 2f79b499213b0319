package dev.slate.appliance.auth;

import static dev.slate.auth.access.Permission.ADMIN;
import static dev.slate.auth.access.Permission.DEPLOY;
import static dev.slate.auth.access.Permission.INGEST;
import static dev.slate.auth.access.Permission.QUERY_OFFLINE;
import static dev.slate.auth.access.Permission.QUERY_ONLINE;
import static dev.slate.auth.access.Permission.READ_CATALOG;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The permission table of docs/security.md, endpoint by endpoint. */
class ApiRoutesTest {

    @Test
    void eachEndpointNeedsItsPermission() {
        assertThat(ApiRoutes.permission("POST", "/v1/query/online")).isEqualTo(QUERY_ONLINE);
        assertThat(ApiRoutes.permission("POST", "/v1/query/online/bulk")).isEqualTo(QUERY_ONLINE);
        assertThat(ApiRoutes.permission("POST", "/v1/query/offline")).isEqualTo(QUERY_OFFLINE);
        assertThat(ApiRoutes.permission("GET", "/v1/query/offline/job-1/result"))
                .isEqualTo(QUERY_OFFLINE);
        assertThat(ApiRoutes.permission("GET", "/v1/features")).isEqualTo(READ_CATALOG);
        assertThat(ApiRoutes.permission("GET", "/v1/graph")).isEqualTo(READ_CATALOG);
        assertThat(ApiRoutes.permission("GET", "/v1/features/user.age/stats")).isEqualTo(READ_CATALOG);
        assertThat(ApiRoutes.permission("GET", "/v1/features/user.age/drift")).isEqualTo(READ_CATALOG);
        assertThat(ApiRoutes.permission("GET", "/v1/monitoring/references")).isEqualTo(READ_CATALOG);
        assertThat(ApiRoutes.permission("GET", "/v1/monitoring/references/train"))
                .isEqualTo(READ_CATALOG);
        assertThat(ApiRoutes.permission("POST", "/v1/monitoring/references")).isEqualTo(DEPLOY);
        assertThat(ApiRoutes.permission("DELETE", "/v1/monitoring/references/train"))
                .isEqualTo(DEPLOY);
        assertThat(ApiRoutes.permission("GET", "/v1/deployments")).isEqualTo(READ_CATALOG);
        assertThat(ApiRoutes.permission("GET", "/v1/deployments/8d1c")).isEqualTo(READ_CATALOG);
        assertThat(ApiRoutes.permission("POST", "/v1/deployments")).isEqualTo(DEPLOY);
        assertThat(ApiRoutes.permission("POST", "/v1/deployments/8d1c/activate"))
                .isEqualTo(DEPLOY);
        assertThat(ApiRoutes.permission("POST", "/v1/ingest")).isEqualTo(INGEST);
        assertThat(ApiRoutes.permission("POST", "/v1/materialize")).isEqualTo(INGEST);
        assertThat(ApiRoutes.permission("DELETE", "/v1/query/offline/job-1")).isEqualTo(QUERY_OFFLINE);
        assertThat(ApiRoutes.permission("GET", "/v1/query/offline/job-1")).isEqualTo(QUERY_OFFLINE);
        assertThat(ApiRoutes.permission("GET", "/v1/audit")).isEqualTo(ADMIN);
        assertThat(ApiRoutes.permission("POST", "/v1/aggregations/user.spend/backfill"))
                .isEqualTo(ADMIN);
        assertThat(ApiRoutes.route("POST", "/v1/aggregations/user.spend/backfill")
                        .audited())
                .isTrue();
        assertThat(ApiRoutes.permission("PUT", "/v1/access/bindings")).isEqualTo(ADMIN);
        assertThat(ApiRoutes.permission("PUT", "/v1/secrets/db_password")).isEqualTo(ADMIN);
        assertThat(ApiRoutes.permission("GET", "/v1/secrets")).isEqualTo(ADMIN);
        assertThat(ApiRoutes.permission("GET", "/v1/queries/q_0123")).isEqualTo(QUERY_ONLINE);
        assertThat(ApiRoutes.permission("GET", "/v1/alerts")).isEqualTo(READ_CATALOG);
        assertThat(ApiRoutes.permission("GET", "/v1/alerts/notifications")).isEqualTo(READ_CATALOG);
        assertThat(ApiRoutes.permission("PUT", "/v1/alerts/errors_high")).isEqualTo(DEPLOY);
        assertThat(ApiRoutes.route("POST", "/v1/alerts/silences").audited()).isTrue();
        assertThat(ApiRoutes.route("DELETE", "/v1/alerts/channels/oncall").audited())
                .isTrue();
        assertThat(ApiRoutes.permission("GET", "/v1/deployments/8d1c/diff/9e2d"))
                .isEqualTo(READ_CATALOG);
        assertThat(ApiRoutes.route("GET", "/v1/environments")).satisfies(r -> {
            assertThat(r.permission()).isEqualTo(READ_CATALOG);
            assertThat(r.global()).isTrue();
        });
        assertThat(ApiRoutes.permission("GET", "/v1/environments/qa")).isEqualTo(READ_CATALOG);
        for (String[] change : new String[][] {
            {"POST", "/v1/environments"}, {"PATCH", "/v1/environments/qa"}, {"DELETE", "/v1/environments/qa"}
        }) {
            assertThat(ApiRoutes.route(change[0], change[1])).satisfies(r -> {
                assertThat(r.permission()).isEqualTo(ADMIN);
                assertThat(r.global()).isTrue();
                assertThat(r.audited()).isTrue();
            });
        }
        // branches: read with read.catalog, delete with deploy, in the environment (docs/environments.md, "Branches")
        assertThat(ApiRoutes.route("GET", "/v1/branches")).satisfies(r -> {
            assertThat(r.permission()).isEqualTo(READ_CATALOG);
            assertThat(r.global()).isFalse();
        });
        assertThat(ApiRoutes.permission("GET", "/v1/branches/exp")).isEqualTo(READ_CATALOG);
        assertThat(ApiRoutes.route("DELETE", "/v1/branches/exp")).satisfies(r -> {
            assertThat(r.permission()).isEqualTo(DEPLOY);
            assertThat(r.global()).isFalse();
            assertThat(r.audited()).isTrue();
            assertThat(r.action()).isEqualTo("branch.delete");
        });
    }

    @Test
    void anythingElseUnderV1NeedsAdminAndMutationsAreAudited() {
        assertThat(ApiRoutes.route("GET", "/v1/something-new")).satisfies(r -> {
            assertThat(r.permission()).isEqualTo(ADMIN);
            assertThat(r.audited()).isFalse();
        });
        assertThat(ApiRoutes.route("DELETE", "/v1/deployments/8d1c")).satisfies(r -> {
            assertThat(r.permission()).isEqualTo(ADMIN);
            assertThat(r.audited()).isTrue();
        });
        assertThat(ApiRoutes.permission("GET", "/v1/query/online")).isEqualTo(ADMIN); // only POST queries
    }

    @Test
    void mutatingEndpointsAreAuditedAndQueriesAreNot() {
        assertThat(ApiRoutes.route("POST", "/v1/deployments").audited()).isTrue();
        assertThat(ApiRoutes.route("POST", "/v1/deployments/x/activate").audited())
                .isTrue();
        assertThat(ApiRoutes.route("POST", "/v1/ingest").audited()).isTrue();
        assertThat(ApiRoutes.route("DELETE", "/v1/access/bindings").audited()).isTrue();
        assertThat(ApiRoutes.route("POST", "/v1/secrets/re-encrypt").audited()).isTrue();
        assertThat(ApiRoutes.route("POST", "/v1/materialize").audited()).isTrue();
        assertThat(ApiRoutes.route("POST", "/v1/query/offline")).satisfies(r -> {
            assertThat(r.audited()).isTrue();
            assertThat(r.action()).isEqualTo("query.offline.submit");
        });
        assertThat(ApiRoutes.route("DELETE", "/v1/query/offline/job-1")).satisfies(r -> {
            assertThat(r.audited()).isTrue();
            assertThat(r.action()).isEqualTo("query.offline.cancel");
        });
        assertThat(ApiRoutes.route("PUT", "/v1/query/offline/job-1").audited()).isTrue();
        assertThat(ApiRoutes.route("GET", "/v1/query/offline/job-1").audited()).isFalse();
        assertThat(ApiRoutes.route("GET", "/v1/query/offline/job-1/result").audited())
                .isFalse();
        assertThat(ApiRoutes.route("POST", "/v1/query/online").audited()).isFalse();
        assertThat(ApiRoutes.route("GET", "/v1/deployments").audited()).isFalse();
    }

    @Test
    void theAdminApiIsGlobalAndTheRestPerEnvironment() {
        assertThat(ApiRoutes.route("GET", "/v1/audit").global()).isTrue();
        assertThat(ApiRoutes.route("PUT", "/v1/access/bindings").global()).isTrue();
        assertThat(ApiRoutes.route("POST", "/v1/deployments").global()).isFalse();
        assertThat(ApiRoutes.route("POST", "/v1/materialize").global()).isFalse();
        assertThat(ApiRoutes.isApi("/v1")).isTrue();
        assertThat(ApiRoutes.isApi("/v1x")).isFalse();
        assertThat(ApiRoutes.isApi("/q/health")).isFalse();
    }
}
