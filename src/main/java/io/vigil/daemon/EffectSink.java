package io.vigil.daemon;

import io.vigil.core.Effect;

/**
 * Where the event loop sends each effect of a step: {@link EffectRunner}. An interface so that a
 * test can wrap the real runner (e.g. in a deliberately broken one) and see the simulator catch it.
 */
@FunctionalInterface
public interface EffectSink {
    void run(Effect effect);
}
