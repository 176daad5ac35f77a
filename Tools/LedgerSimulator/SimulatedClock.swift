import LedgerCore

/// The simulated world's time as a clock for the other side of a test (the sync engine, the simulator's own
/// signature and token checks): the world's instant plus the real time since the clock was made, so that it moves
/// forward between advances and jumps with them.
public struct SimulatedClock: LedgerClock {
    private let world: SimulatorWorld
    private let origin = ContinuousClock.now

    /// A clock that follows `world`.
    public init(world: SimulatorWorld) {
        self.world = world
    }

    public func now() -> Instant {
        let elapsed = ContinuousClock.now - origin
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        return world.now.adding(milliseconds: milliseconds)
    }
}
