using Xunit;

namespace Switchboard.Conformance.EventStores;

/// <summary>
/// The <see cref="EnlistmentSuite{TFactory}"/> again, for stores whose units of work have a database transaction
/// (<see cref="Persistence.ISqlStoreTransaction.GetDbTransactionAsync"/>): with the transaction opened before the appends
/// (<see cref="UnitOfWorkMode.Live"/>) and just before the commit (<see cref="UnitOfWorkMode.LiveAtCommit"/>).
/// </summary>
public abstract class EnlistmentSqlSuite<TFactory> : EnlistmentSuite<TFactory>
    where TFactory : IEnlistmentFactory, new()
{
    /// <summary><see cref="EnlistmentSuite{TFactory}.An_enlisted_append_commits_with_the_inbox_record_and_outgoing_messages_and_not_before"/>, the transaction open from the start or opened at the commit.</summary>
    [Theory]
    [InlineData(UnitOfWorkMode.Live)]
    [InlineData(UnitOfWorkMode.LiveAtCommit)]
    public Task An_enlisted_append_commits_with_the_inbox_record_and_outgoing_messages_and_not_before_live(UnitOfWorkMode mode) => An_enlisted_append_commits_with_the_inbox_record_and_outgoing_messages_and_not_before_in(mode);

    /// <summary><see cref="EnlistmentSuite{TFactory}.A_unit_disposed_without_commit_leaves_no_events_and_no_inbox_record"/>, the transaction open from the start or opened at the commit.</summary>
    [Theory]
    [InlineData(UnitOfWorkMode.Live)]
    [InlineData(UnitOfWorkMode.LiveAtCommit)]
    public Task A_unit_disposed_without_commit_leaves_no_events_and_no_inbox_record_live(UnitOfWorkMode mode) => A_unit_disposed_without_commit_leaves_no_events_and_no_inbox_record_in(mode);

    /// <summary><see cref="EnlistmentSuite{TFactory}.A_wrong_expected_version_fails_the_unit_with_a_concurrency_conflict_and_leaves_nothing_of_it"/>, the transaction open from the start or opened at the commit.</summary>
    [Theory]
    [InlineData(UnitOfWorkMode.Live)]
    [InlineData(UnitOfWorkMode.LiveAtCommit)]
    public Task A_wrong_expected_version_fails_the_unit_with_a_concurrency_conflict_and_leaves_nothing_of_it_live(UnitOfWorkMode mode) => A_wrong_expected_version_fails_the_unit_with_a_concurrency_conflict_and_leaves_nothing_of_it_in(mode);

    /// <summary><see cref="EnlistmentSuite{TFactory}.Of_two_units_expecting_the_same_version_exactly_one_commits"/>, the transaction open from the start or opened at the commit.</summary>
    [Theory]
    [InlineData(UnitOfWorkMode.Live)]
    [InlineData(UnitOfWorkMode.LiveAtCommit)]
    public Task Of_two_units_expecting_the_same_version_exactly_one_commits_live(UnitOfWorkMode mode) => Of_two_units_expecting_the_same_version_exactly_one_commits_in(mode);

    /// <summary><see cref="EnlistmentSuite{TFactory}.A_hundred_concurrent_units_retrying_on_conflicts_end_at_version_100_with_each_event_once"/>, the transaction open from the start or opened at the commit.</summary>
    [Theory]
    [InlineData(UnitOfWorkMode.Live)]
    [InlineData(UnitOfWorkMode.LiveAtCommit)]
    public Task A_hundred_concurrent_units_retrying_on_conflicts_end_at_version_100_with_each_event_once_live(UnitOfWorkMode mode) => A_hundred_concurrent_units_retrying_on_conflicts_end_at_version_100_with_each_event_once_in(mode);

    /// <summary><see cref="EnlistmentSuite{TFactory}.A_reader_waiting_for_events_wakes_after_an_enlisted_commit"/>, the transaction open from the start or opened at the commit.</summary>
    [Theory]
    [InlineData(UnitOfWorkMode.Live)]
    [InlineData(UnitOfWorkMode.LiveAtCommit)]
    public Task A_reader_waiting_for_events_wakes_after_an_enlisted_commit_live(UnitOfWorkMode mode) => A_reader_waiting_for_events_wakes_after_an_enlisted_commit_in(mode);

    /// <summary><see cref="EnlistmentSuite{TFactory}.The_global_order_has_no_gaps_or_duplicates_when_enlisted_and_plain_appends_interleave"/>, the transaction open from the start or opened at the commit.</summary>
    [Theory]
    [InlineData(UnitOfWorkMode.Live)]
    [InlineData(UnitOfWorkMode.LiveAtCommit)]
    public Task The_global_order_has_no_gaps_or_duplicates_when_enlisted_and_plain_appends_interleave_live(UnitOfWorkMode mode) => The_global_order_has_no_gaps_or_duplicates_when_enlisted_and_plain_appends_interleave_in(mode);

    /// <summary><see cref="EnlistmentSuite{TFactory}.Appends_to_two_streams_in_one_unit_both_commit_or_neither"/>, the transaction open from the start or opened at the commit.</summary>
    [Theory]
    [InlineData(UnitOfWorkMode.Live)]
    [InlineData(UnitOfWorkMode.LiveAtCommit)]
    public Task Appends_to_two_streams_in_one_unit_both_commit_or_neither_live(UnitOfWorkMode mode) => Appends_to_two_streams_in_one_unit_both_commit_or_neither_in(mode);

    /// <summary><see cref="EnlistmentSuite{TFactory}.An_invalid_append_is_refused_before_it_joins_and_the_unit_goes_on"/>, the transaction open from the start or opened at the commit.</summary>
    [Theory]
    [InlineData(UnitOfWorkMode.Live)]
    [InlineData(UnitOfWorkMode.LiveAtCommit)]
    public Task An_invalid_append_is_refused_before_it_joins_and_the_unit_goes_on_live(UnitOfWorkMode mode) => An_invalid_append_is_refused_before_it_joins_and_the_unit_goes_on_in(mode);

    /// <summary><see cref="EnlistmentSuite{TFactory}.An_enlisted_exact_repeat_of_a_committed_append_writes_nothing_and_the_unit_commits"/>, the transaction open from the start or opened at the commit.</summary>
    [Theory]
    [InlineData(UnitOfWorkMode.Live)]
    [InlineData(UnitOfWorkMode.LiveAtCommit)]
    public Task An_enlisted_exact_repeat_of_a_committed_append_writes_nothing_and_the_unit_commits_live(UnitOfWorkMode mode) => An_enlisted_exact_repeat_of_a_committed_append_writes_nothing_and_the_unit_commits_in(mode);

    /// <summary><see cref="EnlistmentSuite{TFactory}.An_enlisted_append_that_reuses_a_committed_event_id_fails_the_unit_and_leaves_nothing_of_it"/>, the transaction open from the start or opened at the commit.</summary>
    [Theory]
    [InlineData(UnitOfWorkMode.Live)]
    [InlineData(UnitOfWorkMode.LiveAtCommit)]
    public Task An_enlisted_append_that_reuses_a_committed_event_id_fails_the_unit_and_leaves_nothing_of_it_live(UnitOfWorkMode mode) => An_enlisted_append_that_reuses_a_committed_event_id_fails_the_unit_and_leaves_nothing_of_it_in(mode);
}
