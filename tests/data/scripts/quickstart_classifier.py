"""神经网络分类器：PyTorch 快速入门教程的训练循环（nn.Flatten、nn.Sequential、交叉熵、带动量的 SGD），
数据换成三类、每类两个 2×2 的小"图像"。"""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

images = torch.tensor([[[0.9, 0.1], [0.8, 0.0]], [[1.0, 0.2], [0.7, 0.1]],    # 类别 0：左边亮
                       [[0.1, 0.9], [0.0, 0.8]], [[0.2, 1.0], [0.1, 0.7]],    # 类别 1：右边亮
                       [[0.1, 0.0], [0.9, 0.9]], [[0.0, 0.2], [1.0, 0.8]]])   # 类别 2：下面亮
targets = torch.tensor([0, 0, 1, 1, 2, 2])
train_dataloader = DataLoader(TensorDataset(images, targets), batch_size=6)


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(4, 8),
            nn.ReLU(),
            nn.Linear(8, 3),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork()
with torch.no_grad():  # 固定的初始权重：每次运行（以及在 PyTorch 里）都从同一处开始
    for k, param in enumerate(model.parameters()):
        param.copy_(torch.linspace(-0.5, 0.5, param.numel()).reshape(param.shape) * (-1) ** k)

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)


def train(dataloader, model, loss_fn, optimizer):
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        # 计算预测误差
        pred = model(X)
        loss = loss_fn(pred, y)

        # 反向传播
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return loss


for t in range(40):
    loss = train(train_dataloader, model, loss_fn, optimizer)
print(f"loss: {loss.item():>7f}")
