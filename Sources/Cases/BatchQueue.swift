import Foundation

/// A first-in first-out queue of at most `capacity` batches between the threads of a pipeline:
/// a producer waits while it is full, so memory stays bounded however long the input; a consumer
/// waits while it is empty. Either side may end it: the producer with ``finish(throwing:)`` (the
/// consumer then gets the rest, then nil or the error), the consumer with ``cancel()`` (the
/// producer's next push says so, and it stops).
final class BatchQueue<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Item] = []
    private var finished = false
    private var cancelled = false
    private var failure: (any Error)?
    private let capacity: Int
    private var spent: [Item] = []

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Adds `item`, waiting for room; false when the consumer has cancelled.
    func push(_ item: Item) -> Bool {
        condition.lock(); defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item, waiting for one; nil once the producer has finished (or the queue was
    /// cancelled) and nothing is left, or the producer's error.
    func pop() throws -> Item? {
        condition.lock(); defer { condition.unlock() }
        while items.isEmpty && !finished && !cancelled { condition.wait() }
        if !items.isEmpty {
            condition.broadcast()
            return items.removeFirst()
        }
        if let failure, !cancelled { throw failure }
        return nil
    }

    /// The consumer is done with `item`: the producer frees it (``takeBack()``). The consumer is a
    /// pipeline's slower side, and freeing what another thread allocated costs the allocator more.
    func giveBack(_ item: Item) {
        condition.lock(); defer { condition.unlock() }
        spent.append(item)
    }

    /// The items the consumer is done with, for the producer to let go.
    func takeBack() -> [Item] {
        condition.lock(); defer { condition.unlock() }
        let items = spent
        spent = []
        return items
    }

    /// No more items will come; `error`, when given, is what the consumer gets after the last.
    func finish(throwing error: (any Error)? = nil) {
        condition.lock(); defer { condition.unlock() }
        finished = true
        failure = error
        condition.broadcast()
    }

    /// The consumer stops: what is queued goes, and producers are told at their next push.
    func cancel() {
        condition.lock(); defer { condition.unlock() }
        cancelled = true
        items.removeAll()
        condition.broadcast()
    }
}

/// What a pipeline thread hands back when it ends: its error, or the value it made. Read only
/// after the thread has signalled `done`.
package final class ThreadOutcome<Value: Sendable>: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    private(set) var value: Value?
    private(set) var error: (any Error)?

    /// Runs `body` on a new thread, keeping what it returns or throws.
    package init(_ name: String, _ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            do { self.value = try body() } catch { self.error = error }
            self.done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Waits for the thread to end; its value, or its error thrown.
    package func wait() throws -> Value {
        done.wait()
        done.signal() // a second wait returns at once
        if let error { throw error }
        return value!
    }
}
