package dev.slate.serving.bench;

import io.vertx.core.Future;

/**
 * A request that completes at once. Run open loop, it measures the generator's own floor: how late
 * after its intended send time a request reaches the event loop on this machine.
 */
final class NoopOperation implements Operation {

    @Override
    public String describe() {
        return "no-op (the generator's own scheduling delay)";
    }

    @Override
    public Future<Void> issue() {
        return Future.succeededFuture();
    }
}
