"""The warm-environment pool's counting (no processes needed: environments being started count)."""

from stratus.services.lambda_.environments import EnvironmentPool

ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn"


def test_reserving_concurrency_moves_running_invocations_out_of_the_unreserved_pool():
    pool = EnvironmentPool()
    pool.begin_start(ARN, "000000000000", "us-east-1", reserved=False)
    assert pool.in_flight_unreserved("000000000000", "us-east-1") == 1
    pool.set_reserved(ARN, True)
    assert pool.in_flight_unreserved("000000000000", "us-east-1") == 0
    assert pool.in_flight(ARN) == 1  # still counted against the function's own reservation
    pool.set_reserved(ARN, False)
    assert pool.in_flight_unreserved("000000000000", "us-east-1") == 1
    assert pool.in_flight_unreserved("111111111111", "us-east-1") == 0
