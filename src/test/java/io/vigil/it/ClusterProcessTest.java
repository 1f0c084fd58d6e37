package io.vigil.it;

import io.vigil.demo.LocalCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Shared lifecycle of the real-process tests: one cluster per test, stopped after it. */
abstract class ClusterProcessTest {
    Nodes nodes;

    /** Starts two nodes (and a witness if {@code tune} asks for one) in target/it/&lt;test method&gt;. */
    Nodes start(TestInfo info, UnaryOperator<LocalCluster.Settings> tune) throws Exception {
        return start(info.getTestMethod().orElseThrow().getName(), tune);
    }

    Nodes start(String name, UnaryOperator<LocalCluster.Settings> tune) throws Exception {
        nodes = Nodes.start(Path.of("target/it", name).toAbsolutePath(), tune);
        return nodes;
    }

    @AfterEach
    void stopCluster() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }
}
