package org.sparkbackprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.common.BadInputException;

/** The driver's own check of a standalone master, for spark-submit without the project's scripts. */
class MasterReachTest {

    @Test
    void aStandaloneMasterNoneOfWhoseAddressesAnswersIsBadInput() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String master = "spark://127.0.0.1:" + closed + ",no-such-master.invalid:7077";
        BadInputException refused = assertThrows(BadInputException.class, () -> MasterReach.check(master));
        assertEquals("master " + master + ": nothing listens at 127.0.0.1:" + closed + " (connection refused); the host"
                + " no-such-master.invalid does not resolve (the master URL: SPARK_MASTER, or spark-submit's --master)",
                refused.getMessage());
    }

    @Test
    void oneAnsweringAddressIsEnoughAndOtherMastersAreNotChecked() throws Exception {
        try (ServerSocket listening = new ServerSocket(0)) {
            MasterReach.check("spark://no-such-master.invalid:7077,127.0.0.1:" + listening.getLocalPort());
        }
        MasterReach.check("local[2]");
        MasterReach.check("yarn");
        MasterReach.check(null);
    }
}
