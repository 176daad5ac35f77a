/// Waits until `condition` holds, looking every 20 ms, for at most `seconds`; whether it came to hold.
///
/// For what another task or process does in its own time (a sync over loopback, a server starting): the test asks
/// again until the event has happened, never sleeps a fixed time and then assumes it has.
public func eventually(seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
