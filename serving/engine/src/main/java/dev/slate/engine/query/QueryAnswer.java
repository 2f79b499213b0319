package dev.slate.engine.query;

import dev.slate.model.deploy.ActiveDeployment;
import java.time.Duration;
import java.util.List;

/**
 * The answer to an online query: one list of values per row (one row unless bulk), in output order.
 *
 * @param explain the plan and what this request did, when asked for; else null
 */
public record QueryAnswer(String queryId, String environment, ActiveDeployment deployment, String planHash, List<List<FeatureValue>> rows, Duration took, String explain) {
}
