package org.albertspark.jobs.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real HDFS (one NameNode, one DataNode) and a real YARN (one ResourceManager, one NodeManager)
 * in this JVM, from Hadoop's own test clusters, and a client configuration folder for them that
 * spark-submit reads through HADOOP_CONF_DIR — what a user's edge node has for a real cluster.
 *
 * <p>The client folder names only the addresses (fs.defaultFS and the ResourceManager's): the
 * minicluster's full configuration also names test-only classes (e.g. StaticMapping) that a client
 * without the minicluster jar cannot load. The FIFO scheduler replaces the capacity scheduler,
 * whose default queue layout the minicluster does not set up.
 */
final class MiniYarnHdfs implements AutoCloseable {

  private final MiniDFSCluster hdfs;
  private final MiniYARNCluster yarn;
  private final Path clientConf;

  /**
   * Starts both under {@code base}; the NodeManager offers {@code memoryMb} to containers (memory
   * and virtual-memory checks off: ND4J's off-heap memory is accounted by memoryOverhead).
   */
  MiniYarnHdfs(Path base, int memoryMb) throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.resolve("dfs").toString());
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();

    YarnConfiguration yc = new YarnConfiguration(hdfs.getConfiguration(0));
    // MiniYARNCluster sizes its NodeManagers from this key, not from NM_PMEM_MB
    yc.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, memoryMb);
    yc.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, memoryMb);
    yc.setInt(YarnConfiguration.NM_VCORES, 8);
    yc.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    yc.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    yc.set(
        YarnConfiguration.RM_SCHEDULER,
        "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
    // containers start `$JAVA_HOME/bin/java`: this JVM's, whatever the environment says
    yc.set(YarnConfiguration.NM_ADMIN_USER_ENV, "JAVA_HOME=" + System.getProperty("java.home"));
    yarn = new MiniYARNCluster("albert-it", 1, 1, 1);
    yarn.init(yc);
    yarn.start();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (yarn.getResourceManager().getRMContext().getRMNodes().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no NodeManager registered with the ResourceManager");
      }
      Thread.sleep(200);
    }
    for (var node : yarn.getResourceManager().getRMContext().getRMNodes().values()) {
      if (node.getTotalCapability().getMemorySize() != memoryMb) {
        throw new IllegalStateException(
            "NodeManager offers " + node.getTotalCapability() + ", asked " + memoryMb + " MB");
      }
    }

    Configuration started = yarn.getConfig();
    clientConf = Files.createDirectories(base.resolve("client-conf"));
    write(clientConf.resolve("core-site.xml"), Map.of("fs.defaultFS", started.get("fs.defaultFS")));
    write(
        clientConf.resolve("yarn-site.xml"),
        Map.of(
            YarnConfiguration.RM_ADDRESS, started.get(YarnConfiguration.RM_ADDRESS),
            YarnConfiguration.RM_SCHEDULER_ADDRESS,
                started.get(YarnConfiguration.RM_SCHEDULER_ADDRESS),
            YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS,
                started.get(YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS),
            YarnConfiguration.RM_ADMIN_ADDRESS, started.get(YarnConfiguration.RM_ADMIN_ADDRESS),
            YarnConfiguration.RM_WEBAPP_ADDRESS, started.get(YarnConfiguration.RM_WEBAPP_ADDRESS)));
  }

  /** HADOOP_CONF_DIR for clients of this cluster. */
  Path clientConf() {
    return clientConf;
  }

  /** The file system's URI, e.g. hdfs://localhost:40123. */
  String hdfsUri() {
    return hdfs.getURI().toString();
  }

  FileSystem fileSystem() throws IOException {
    return hdfs.getFileSystem();
  }

  /**
   * The NodeManager's container logs (stdout/stderr of the AM and executors); MiniYARNCluster
   * chooses the folder itself, under target/test/data.
   */
  Path containerLogs() {
    return Path.of(yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS));
  }

  private static void write(Path file, Map<String, String> properties) throws IOException {
    Configuration c = new Configuration(false);
    properties.forEach(c::set);
    try (OutputStream out = Files.newOutputStream(file)) {
      c.writeXml(out);
    }
  }

  @Override
  public void close() {
    yarn.stop();
    hdfs.shutdown();
  }
}
