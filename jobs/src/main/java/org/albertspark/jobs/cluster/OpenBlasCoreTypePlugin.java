package org.albertspark.jobs.cluster;

import java.util.Map;
import org.albertspark.model.kernels.OpenBlasCoreType;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the OpenBLAS kernel decision ({@link OpenBlasCoreType}) in every executor JVM on its own
 * CPU, and in the driver, at start-up: Spark initializes plugins before the executor runs its first
 * task, so before any of our code loads ND4J. The cluster launchers enable it with {@code
 * spark.plugins=org.albertspark.jobs.cluster.OpenBlasCoreTypePlugin}.
 */
public final class OpenBlasCoreTypePlugin implements SparkPlugin {

  private static final Logger LOG = LoggerFactory.getLogger(OpenBlasCoreTypePlugin.class);

  @Override
  public DriverPlugin driverPlugin() {
    return new DriverPlugin() {
      @Override
      public Map<String, String> init(SparkContext sc, PluginContext ctx) {
        LOG.info("driver: {}", OpenBlasCoreType.applyBeforeOpenBlasLoads());
        return Map.of();
      }
    };
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext ctx, Map<String, String> extraConf) {
        TaskThreads.useCpus(ctx.conf().getInt("spark.task.cpus", 1)); // before any task runs
        LOG.info("executor {}: {}", ctx.executorID(), OpenBlasCoreType.applyBeforeOpenBlasLoads());
      }
    };
  }
}
