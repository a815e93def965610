"""Recorders: readable while the run goes on, CSV round trip, clear errors."""

import numpy as np
import pytest

from transfer_functions import Recorder, TransferFunctionManager, nrp, read_csv


def test_data_is_readable_mid_run_and_round_trips_through_csv(tmp_path):
    @nrp.MapCSVRecorder("log", filename=str(tmp_path / "eye.csv"), headers=["t", "rate", "label"])
    @nrp.MapRobotSubscriber("camera", "observation")
    @nrp.Robot2Neuron()
    def eye(t, camera, log):
        log.record_entry(t, np.float32(camera.value), "left" if camera.value > 0.5 else "right")

    manager = TransferFunctionManager([eye])
    recorder = manager.recorders["eye.log"]
    for k, value in enumerate([0.25, 0.75, 1.0]):
        manager.robot_to_neuron(0.02 * k, {"observation": value})
        assert len(recorder.data) == k + 1  # readable while the run goes on
    data = recorder.data
    assert data.dtype.names == ("t", "rate", "label")
    assert data["rate"].tolist() == [0.25, 0.75, 1.0]
    assert data["label"].tolist() == ["right", "left", "left"]
    path = recorder.to_csv()
    assert path == tmp_path / "eye.csv"
    assert path.read_text().splitlines()[0] == "t,rate,label"
    back = read_csv(path)
    assert back.dtype == data.dtype
    assert back.tolist() == data.tolist()


def test_column_types_and_errors(tmp_path):
    r = Recorder("r", ["n", "x", "ok"])
    assert r.data.shape == (0,)
    r.record_entry(1, 2, True)
    r.record_entry(np.int64(3), 4.5, False)
    assert [r.data.dtype[i].kind for i in range(3)] == ["i", "f", "b"]
    assert read_csv(r.to_csv(tmp_path / "r.csv")).tolist() == r.data.tolist()
    with pytest.raises(ValueError, match="has 3 columns"):
        r.record_entry(1, 2)
    with pytest.raises(ValueError, match="column 'x' takes a scalar"):
        r.record_entry(1, np.zeros(2), True)
    with pytest.raises(ValueError, match="no filename; pass a path"):
        r.to_csv()
    with pytest.raises(ValueError, match="needs column headers"):
        nrp.MapCSVRecorder("log")


def test_a_replaced_tf_keeps_its_recorder_and_its_headers():
    def version(headers):
        @nrp.MapCSVRecorder("log", headers=headers)
        @nrp.Robot2Neuron(name="tf")
        def tf(t, log):
            log.record_entry(*([t] * len(headers)))
        return tf

    manager = TransferFunctionManager([version(["t"])])
    manager.robot_to_neuron(0.0, {})
    manager.replace(version(["t"]))
    manager.robot_to_neuron(0.02, {})
    assert manager.recorders["tf.log"].data["t"].tolist() == [0.0, 0.02]
    with pytest.raises(ValueError, match="already has headers \\['t'\\]"):
        manager.replace(version(["t", "x"]))
