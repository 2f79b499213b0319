package dev.slate.appliance.auth;

import dev.slate.control.secrets.SecretStore;
import dev.slate.control.secrets.SecretsChanged;
import dev.slate.serving.api.wiring.StoredSecrets;
import dev.slate.serving.source.postgres.PostgresResolverRunner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.Optional;

/**
 * Lets the data plane's secret resolver read the metadata plane's encrypted secrets (per environment), and makes a
 * changed secret take effect: resolved connection settings are forgotten, so the next pool uses it.
 */
@ApplicationScoped
class StoredSecretsBridge implements StoredSecrets {

    private final SecretStore store;
    private final Instance<PostgresResolverRunner> runner;

    StoredSecretsBridge(SecretStore store, Instance<PostgresResolverRunner> runner) {
        this.store = store;
        this.runner = runner;
    }

    @Override
    public Optional<String> lookup(String environment, String name) {
        return store.lookup(environment, name);
    }

    void onChanged(@Observes SecretsChanged changed) {
        if (runner.isResolvable()) {
            runner.get().forgetResolvedSecrets();
        }
    }
}
