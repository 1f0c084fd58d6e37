package io.vigil.support;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Every thread of this JVM with its whole stack and the locks it holds or waits for, in the
 * layout of {@code jstack}. {@link ThreadInfo#toString()} is not used: it cuts stacks at 8
 * frames, and a hung event loop is usually deeper than that.
 */
final class ThreadDump {
    private ThreadDump() {
    }

    static String ofThisProcess() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ThreadInfo[] threads = mx.dumpAllThreads(mx.isObjectMonitorUsageSupported(), mx.isSynchronizerUsageSupported());
        Arrays.sort(threads, Comparator.comparing(ThreadInfo::getThreadName));
        StringBuilder out = new StringBuilder("Threads of pid " + ProcessHandle.current().pid() + ": "
                + threads.length + "\n");
        long[] deadlocked = mx.findDeadlockedThreads();
        if (deadlocked != null) {
            out.append("DEADLOCK between thread ids ").append(Arrays.toString(deadlocked)).append('\n');
        }
        for (ThreadInfo t : threads) {
            out.append('\n');
            append(out, t);
        }
        return out.toString();
    }

    private static void append(StringBuilder out, ThreadInfo t) {
        out.append('"').append(t.getThreadName()).append("\" #").append(t.getThreadId())
                .append(t.isDaemon() ? " daemon" : "").append(" prio=").append(t.getPriority())
                .append(' ').append(t.getThreadState());
        if (t.getLockName() != null) {
            out.append(" on ").append(t.getLockName());
        }
        if (t.getLockOwnerName() != null) {
            out.append(" owned by \"").append(t.getLockOwnerName()).append("\" #").append(t.getLockOwnerId());
        }
        out.append('\n');
        StackTraceElement[] stack = t.getStackTrace();
        for (int i = 0; i < stack.length; i++) {
            out.append("\tat ").append(stack[i]).append('\n');
            for (MonitorInfo m : t.getLockedMonitors()) {
                if (m.getLockedStackDepth() == i) {
                    out.append("\t- locked ").append(m).append('\n');
                }
            }
        }
        for (LockInfo l : t.getLockedSynchronizers()) {
            out.append("\t- holds ").append(l).append('\n');
        }
    }
}
